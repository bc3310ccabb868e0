package dev.paaskit.node;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import dev.paaskit.api.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Droplets a node has fetched, by sha256, as files under one folder. Concurrent requests for the
 * same droplet share one download; a download is verified against its sha256 before it is kept.
 */
final class DropletCache {
  private final Path dir;
  private final BlobStore blobs;
  private final Executor executor;
  private final Map<String, CompletableFuture<Path>> fetching = new ConcurrentHashMap<>();

  DropletCache(Path dir, BlobStore blobs, Executor executor) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.blobs = blobs;
    this.executor = executor;
  }

  /** The droplet's file, fetched from the blob store if this node does not have it yet. */
  CompletableFuture<Path> get(String sha256) {
    Path file = dir.resolve(sha256 + ".tgz");
    if (Files.exists(file)) {
      return CompletableFuture.completedFuture(file);
    }
    return fetching.computeIfAbsent(sha256, s -> CompletableFuture.supplyAsync(() -> {
      try {
        return download(sha256, file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot fetch droplet " + sha256, e);
      } finally {
        fetching.remove(sha256);
      }
    }, executor));
  }

  private Path download(String sha256, Path file) throws IOException {
    if (Files.exists(file)) {
      return file;
    }
    Path tmp = Files.createTempFile(dir, sha256, ".part");
    try {
      try (InputStream raw = blobs.open(sha256).orElseThrow(
              () -> new NoSuchFileException("droplet " + sha256 + " is not in the blob store"));
          HashingInputStream in = new HashingInputStream(Hashing.sha256(), raw)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        String actual = in.hash().toString();
        if (!actual.equals(sha256)) {
          throw new IOException("droplet " + sha256 + " arrived with sha256 " + actual);
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
