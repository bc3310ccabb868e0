package dev.paaskit.nats;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.NUID;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.PublishOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.support.NatsObjectStoreUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a JetStream object store: each blob is an object named by its sha256,
 * in the object store's own layout (chunks on {@code $O.<bucket>.C.<nuid>}, one metadata message
 * on {@code $O.<bucket>.M.<name>}), so the {@code nats object} tools and other NATS clients can
 * read it.
 *
 * <p>A put streams the content into chunks while hashing it, then publishes the metadata under
 * the hash with the server checking that nobody published it first. Until then the blob is not
 * visible; a put that fails purges its chunks, and a put of content already stored purges its
 * copy, so the same bytes are stored once. A read fetches one chunk at a time as the caller
 * reads, hashes them, and fails the stream with an {@link IOException} at its end when the bytes
 * do not hash to the blob's address, or as soon as a chunk is missing.
 *
 * <p>The store does not own the connection. Thread-safe; streams it returns are not.
 *
 * <pre>{@code
 * BlobStore blobs = JetStreamBlobStore.open(connection, "paaskit-blobs");
 * BlobInfo droplet = blobs.put(Path.of("droplet.tgz"));
 * }</pre>
 */
public final class JetStreamBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(JetStreamBlobStore.class);
  private static final int NO_MESSAGE_FOUND = 10037;
  private static final int WRONG_LAST_SEQUENCE = 10071;
  /** 128 KiB, the object store's usual chunk: well below any server's max_payload. */
  static final int CHUNK_BYTES = 128 * 1024;

  private final String bucket;
  private final String stream;
  private final JetStream js;
  private final JetStreamManagement jsm;

  private JetStreamBlobStore(Connection connection, String bucket) throws IOException {
    this.bucket = bucket;
    this.stream = NatsObjectStoreUtil.toStreamName(bucket);
    this.js = connection.jetStream();
    this.jsm = connection.jetStreamManagement();
  }

  /**
   * Opens the object store {@code bucket}, creating it (file storage, one replica) if missing.
   * Blocks the caller for the JetStream requests this takes.
   *
   * @param connection an open connection, which the caller keeps and closes after the store
   * @param bucket the object store's name, 1 to 64 of {@code [a-zA-Z0-9_-]}; give each cloud
   *     sharing a server its own
   * @return an open store on the bucket
   * @throws IllegalArgumentException unless the name is 1 to 64 of {@code [a-zA-Z0-9_-]}
   * @throws IOException if JetStream is not enabled on the server or does not answer
   */
  public static JetStreamBlobStore open(Connection connection, String bucket) throws IOException {
    return open(connection, bucket, 1);
  }

  /**
   * As {@link #open(Connection, String)}, creating a missing bucket with {@code replicas}
   * replicas. An existing bucket is used as it is.
   *
   * @param connection an open connection, which the caller keeps and closes after the store
   * @param bucket the object store's name, 1 to 64 of {@code [a-zA-Z0-9_-]}
   * @param replicas 1 to 5, used only when the bucket is created; more than the cluster's
   *     servers fails the creation
   * @return an open store on the bucket
   * @throws IllegalArgumentException if the name or the replica count cannot be used, naming it
   * @throws IOException if JetStream is not enabled on the server, does not answer, or refuses
   *     to create the bucket
   */
  public static JetStreamBlobStore open(Connection connection, String bucket, int replicas)
      throws IOException {
    Buckets.check(connection, bucket, replicas);
    ObjectStoreManagement osm = connection.objectStoreManagement();
    try {
      osm.getStatus(bucket);
    } catch (JetStreamApiException missing) {
      if (missing.getApiErrorCode() != Buckets.STREAM_NOT_FOUND) {
        throw new IOException("cannot open object store " + bucket + ": " + missing.getMessage(), missing);
      }
      try {
        osm.create(ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File)
            .replicas(replicas).build());
      } catch (JetStreamApiException e) {
        throw new IOException("cannot create object store " + bucket + ": " + e.getMessage(), e);
      }
    }
    return new JetStreamBlobStore(connection, bucket);
  }

  /**
   * The object store this store keeps its blobs in.
   *
   * @return the name given to {@code open}; the backing stream is {@code OBJ_} and this name
   */
  public String bucket() {
    return bucket;
  }

  @Override
  public BlobInfo put(InputStream content) throws IOException {
    Objects.requireNonNull(content, "content");
    String nuid = NUID.nextGlobal();
    String chunkSubject = NatsObjectStoreUtil.toChunkPrefix(bucket) + nuid;
    MessageDigest digest = sha256();
    long size = 0;
    long chunks = 0;
    boolean stored = false;
    try {
      byte[] buffer = new byte[CHUNK_BYTES];
      int read;
      while ((read = content.readNBytes(buffer, 0, buffer.length)) > 0) {
        byte[] chunk = read == buffer.length ? buffer.clone() : java.util.Arrays.copyOf(buffer, read);
        digest.update(chunk);
        js.publish(chunkSubject, chunk);
        size += read;
        chunks++;
      }
      byte[] hash = digest.digest();
      String sha256 = HexFormat.of().formatHex(hash);
      stored = publishMeta(ObjectInfo.builder(bucket, sha256).nuid(nuid).size(size).chunks(chunks)
          .chunkSize(CHUNK_BYTES).digest("SHA-256=" + Base64.getUrlEncoder().encodeToString(hash))
          .modified(ZonedDateTime.now(ZoneOffset.UTC)).build());
      return new BlobInfo(sha256, size);
    } catch (JetStreamApiException e) {
      throw new IOException("object store " + bucket + ": cannot store a blob: " + e.getMessage(), e);
    } finally {
      if (!stored && chunks > 0) {
        purgeChunks(nuid);
      }
    }
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    BlobInfo.checkSha256(sha256);
    Optional<ObjectInfo> info = live(sha256);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new VerifyingChunkStream(jsm, stream,
        NatsObjectStoreUtil.toChunkPrefix(bucket) + info.get().getNuid(), sha256,
        info.get().getChunks(), info.get().getSize()));
  }

  @Override
  public Optional<BlobInfo> stat(String sha256) throws IOException {
    BlobInfo.checkSha256(sha256);
    return live(sha256).map(info -> new BlobInfo(sha256, info.getSize()));
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    BlobInfo.checkSha256(sha256);
    try {
      while (true) {
        MessageInfo last = lastMeta(sha256);
        if (last == null) {
          return false;
        }
        ObjectInfo info = new ObjectInfo(last);
        if (info.isDeleted()) {
          return false;
        }
        ObjectInfo deleted = ObjectInfo.builder(info).deleted(true).size(0).chunks(0).digest(null)
            .modified(ZonedDateTime.now(ZoneOffset.UTC)).build();
        if (publishMetaAt(deleted, last.getSeq())) {
          purgeChunks(info.getNuid());
          return true;
        }
      }
    } catch (JetStreamApiException e) {
      throw new IOException("object store " + bucket + ": cannot delete " + sha256 + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "JetStreamBlobStore{" + bucket + "}";
  }

  /**
   * Publishes the metadata of a fully written blob, unless a live blob of that name is there
   * already (then the caller's chunks are surplus). Returns whether this metadata was stored.
   */
  private boolean publishMeta(ObjectInfo info) throws IOException, JetStreamApiException {
    while (true) {
      MessageInfo last = lastMeta(info.getObjectName());
      if (last != null && !new ObjectInfo(last).isDeleted()) {
        return false;
      }
      if (publishMetaAt(info, last == null ? 0 : last.getSeq())) {
        return true;
      }
    }
  }

  /** Publishes {@code info} if the name's last metadata is still at {@code expectedSeq}. */
  private boolean publishMetaAt(ObjectInfo info, long expectedSeq)
      throws IOException, JetStreamApiException {
    try {
      js.publish(metaSubject(info.getObjectName()), NatsObjectStoreUtil.getMetaHeaders(),
          info.toJson().getBytes(StandardCharsets.UTF_8),
          PublishOptions.builder().expectedLastSubjectSequence(expectedSeq).build());
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return false;
      }
      throw e;
    }
  }

  private Optional<ObjectInfo> live(String sha256) throws IOException {
    try {
      MessageInfo last = lastMeta(sha256);
      return Optional.ofNullable(last).map(ObjectInfo::new).filter(info -> !info.isDeleted());
    } catch (JetStreamApiException e) {
      throw new IOException("object store " + bucket + ": cannot read " + sha256 + ": "
          + e.getMessage(), e);
    }
  }

  private MessageInfo lastMeta(String name) throws IOException, JetStreamApiException {
    try {
      return jsm.getLastMessage(stream, metaSubject(name));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
        return null;
      }
      throw e;
    }
  }

  private String metaSubject(String name) {
    return NatsObjectStoreUtil.toMetaPrefix(bucket) + NatsObjectStoreUtil.encodeForSubject(name);
  }

  private void purgeChunks(String nuid) {
    try {
      jsm.purgeStream(stream, PurgeOptions.subject(NatsObjectStoreUtil.toChunkPrefix(bucket) + nuid));
    } catch (IOException | JetStreamApiException e) {
      log.warn("Object store {}: chunks {} of a blob that was not kept stay until purged: {}",
          bucket, nuid, e.getMessage());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Reads a blob's chunks one by one, in stream order, verifying size and sha256. */
  static final class VerifyingChunkStream extends InputStream {
    private final JetStreamManagement jsm;
    private final String stream;
    private final String chunkSubject;
    private final String sha256;
    private final long chunks;
    private final long size;
    private final MessageDigest digest = sha256();
    private byte[] chunk = new byte[0];
    private int position;
    private long chunksRead;
    private long bytesRead;
    private long nextSeq = 1;
    private boolean verified;
    private boolean closed;

    VerifyingChunkStream(JetStreamManagement jsm, String stream, String chunkSubject,
        String sha256, long chunks, long size) {
      this.jsm = jsm;
      this.stream = stream;
      this.chunkSubject = chunkSubject;
      this.sha256 = sha256;
      this.chunks = chunks;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, buffer.length);
      if (closed) {
        throw new IOException("blob " + sha256 + ": stream closed");
      }
      if (length == 0) {
        return 0;
      }
      while (position == chunk.length) {
        if (chunksRead == chunks) {
          verify();
          return -1;
        }
        fetchNextChunk();
      }
      int n = Math.min(length, chunk.length - position);
      System.arraycopy(chunk, position, buffer, offset, n);
      position += n;
      return n;
    }

    @Override
    public void close() {
      closed = true;
    }

    private void fetchNextChunk() throws IOException {
      MessageInfo message;
      try {
        message = jsm.getNextMessage(stream, nextSeq, chunkSubject);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
          throw new IOException("blob " + sha256 + " is damaged: chunk " + (chunksRead + 1)
              + " of " + chunks + " is missing");
        }
        throw new IOException("blob " + sha256 + ": cannot read chunk " + (chunksRead + 1)
            + ": " + e.getMessage(), e);
      }
      byte[] data = message.getData();
      chunk = data == null ? new byte[0] : data;
      position = 0;
      nextSeq = message.getSeq() + 1;
      chunksRead++;
      bytesRead += chunk.length;
      if (bytesRead > size) {
        throw new IOException("blob " + sha256 + " is damaged: its chunks hold more than its "
            + size + " bytes");
      }
      digest.update(chunk);
    }

    private void verify() throws IOException {
      if (verified) {
        return;
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (bytesRead != size || !actual.equals(sha256)) {
        throw new IOException("blob " + sha256 + " is corrupt: its " + bytesRead
            + " stored bytes hash to " + actual);
      }
      verified = true;
    }
  }
}
