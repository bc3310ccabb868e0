package dev.paaskit.core.blob;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link BlobStore} in memory, for tests and for clouds that need not outlive their JVM. Each
 * blob is held as one array, so blobs are limited to about 2 GiB and to the heap.
 *
 * <pre>{@code
 * BlobStore blobs = new InMemoryBlobStore();
 * BlobInfo info = blobs.put(new ByteArrayInputStream(bytes));
 * try (InputStream in = blobs.open(info.sha256()).orElseThrow()) { ... }
 * }</pre>
 *
 * <p>Thread-safe. {@link #put(InputStream)} reads the stream to its end and does not close it;
 * if the stream fails, nothing is stored.
 */
public final class InMemoryBlobStore implements BlobStore {
  private final ConcurrentMap<String, byte[]> blobs = new ConcurrentHashMap<>();

  /** An empty store. */
  public InMemoryBlobStore() {}

  @Override
  public BlobInfo put(InputStream content) throws IOException {
    Objects.requireNonNull(content, "content");
    MessageDigest digest = Sha256.newDigest();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = content.read(buffer)) != -1; ) {
      digest.update(buffer, 0, n);
      bytes.write(buffer, 0, n);
    }
    byte[] blob = bytes.toByteArray();
    BlobInfo info = new BlobInfo(Sha256.hex(digest), blob.length);
    blobs.putIfAbsent(info.sha256(), blob);
    return info;
  }

  @Override
  public Optional<InputStream> open(String sha256) {
    return Optional.ofNullable(blobs.get(BlobInfo.checkSha256(sha256)))
        .map(ByteArrayInputStream::new);
  }

  @Override
  public Optional<BlobInfo> stat(String sha256) {
    BlobInfo.checkSha256(sha256);
    return Optional.ofNullable(blobs.get(sha256)).map(blob -> new BlobInfo(sha256, blob.length));
  }

  @Override
  public boolean delete(String sha256) {
    return blobs.remove(BlobInfo.checkSha256(sha256)) != null;
  }
}
