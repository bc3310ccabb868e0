package dev.paaskit.nats;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.api.spi.WatchEvent;
import dev.paaskit.core.internal.store.Keys;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in a JetStream key-value bucket, shared by every process connected to the
 * same NATS: the store's revision of a key is the KV revision of its last write (the bucket
 * stream's sequence), so revisions grow with every write of any key, and
 * {@link #revision()} is the stream's last sequence. Compare-and-set and compare-and-delete are
 * the server's expected-last-subject-sequence checks, so two processes racing on a key cannot
 * both win.
 *
 * <p><b>Keys</b> are escaped into KV keys token by token ({@code /} and {@code =} escaped, empty
 * tokens marked) so every store key is valid on every server; a prefix lists and watches through
 * a subject filter on its complete tokens. See {@code docs/nats.md}.
 *
 * <p><b>Durability</b> is JetStream's: a write returns once the server stored it (with R
 * replicas, once a majority did). nats-server syncs its files to disk periodically (every two
 * minutes by default), so a single-replica bucket on one machine can lose the last writes if
 * that machine loses power; use 3 replicas where that matters.
 *
 * <p><b>Watches</b> are JetStream ordered consumers delivering the changes made after
 * {@code watch} was called, one at a time on a jnats dispatcher thread, in revision order, after
 * the write is stored. A listener exception is logged and the watch goes on. When the connection
 * comes back after an outage, each watch starts a new consumer after the last revision it
 * delivered, so it neither misses nor repeats a change (were the new consumer refused, jnats'
 * own heartbeat check resets the old one, some 30 seconds later).
 *
 * <p><b>Values</b> up to {@link StateStore#MAX_VALUE_BYTES} need the server's
 * {@code max_payload} to exceed 1 MiB (for instance {@code max_payload: 8MB}; NATS' default is
 * exactly 1 MiB). With a smaller limit the store works and refuses a value that does not fit
 * with an {@link IllegalStateException} that says so.
 *
 * <p>The store does not own the connection: {@link #close()} ends its watches, and the caller
 * closes the connection. Thread-safe. Failures of the server are thrown as
 * {@link UncheckedIOException}.
 *
 * <pre>{@code
 * StateStore store = JetStreamKvStore.open(connection, "paaskit");
 * OptionalLong won = store.compareAndSet("names.shop", 0, appId.getBytes(UTF_8));
 * }</pre>
 */
public final class JetStreamKvStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(JetStreamKvStore.class);
  /** JetStream's "wrong last sequence": another write came first. */
  private static final int WRONG_LAST_SEQUENCE = 10071;
  /** Room in a message for the KV headers beside the value. */
  private static final int HEADER_ROOM = 1024;
  private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);

  private final Connection connection;
  private final String bucket;
  private final String stream;
  private final KeyValue kv;
  private final JetStreamManagement jsm;
  private final Set<KvWatch> watches = ConcurrentHashMap.newKeySet();
  private final ConnectionListener resumeWatches = this::onConnectionEvent;
  private volatile boolean closed;

  private JetStreamKvStore(Connection connection, String bucket) throws IOException {
    this.connection = connection;
    this.bucket = bucket;
    this.stream = "KV_" + bucket;
    this.kv = connection.keyValue(bucket);
    this.jsm = connection.jetStreamManagement();
    connection.addConnectionListener(resumeWatches);
  }

  /**
   * Opens the bucket {@code bucket}, creating it (file storage, one replica, one value per key)
   * if it does not exist yet. Blocks the caller for the JetStream requests this takes.
   *
   * @param connection an open connection, which the caller keeps and closes after the store;
   *     the store registers a connection listener on it to resume its watches
   * @param bucket the KV bucket's name, 1 to 64 of {@code [a-zA-Z0-9_-]}; give each cloud
   *     sharing a server its own
   * @return an open store on the bucket
   * @throws IllegalArgumentException unless the name is 1 to 64 of {@code [a-zA-Z0-9_-]}
   * @throws IOException if JetStream is not enabled on the server or does not answer
   */
  public static JetStreamKvStore open(Connection connection, String bucket) throws IOException {
    return open(connection, bucket, 1);
  }

  /**
   * As {@link #open(Connection, String)}, creating a missing bucket with {@code replicas}
   * replicas (1, 3 or 5 on a clustered server). An existing bucket is used as it is.
   *
   * @param connection an open connection, kept by the caller as in
   *     {@link #open(Connection, String)}
   * @param bucket the KV bucket's name, 1 to 64 of {@code [a-zA-Z0-9_-]}
   * @param replicas 1 to 5, used only when the bucket is created; more than the cluster's
   *     servers fails the creation
   * @return an open store on the bucket
   * @throws IllegalArgumentException if the name or the replica count cannot be used, naming it
   * @throws IOException if JetStream is not enabled on the server, does not answer, or refuses
   *     to create the bucket
   */
  public static JetStreamKvStore open(Connection connection, String bucket, int replicas)
      throws IOException {
    Buckets.check(connection, bucket, replicas);
    KeyValueManagement kvm = connection.keyValueManagement();
    try {
      kvm.getStatus(bucket);
    } catch (JetStreamApiException missing) {
      if (missing.getApiErrorCode() != Buckets.STREAM_NOT_FOUND) {
        throw new IOException("cannot open KV bucket " + bucket + ": " + missing.getMessage(), missing);
      }
      try {
        kvm.create(KeyValueConfiguration.builder().name(bucket).storageType(StorageType.File)
            .maxHistoryPerKey(1).replicas(replicas).build());
      } catch (JetStreamApiException e) {
        throw new IOException("cannot create KV bucket " + bucket + ": " + e.getMessage(), e);
      }
    }
    long maxPayload = connection.getMaxPayload();
    if (maxPayload < MAX_VALUE_BYTES + HEADER_ROOM) {
      log.warn("NATS max_payload is {} bytes: KV bucket {} will refuse values above {} bytes "
          + "(StateStore allows {}); set max_payload: 8MB in nats-server.conf", maxPayload, bucket,
          maxPayload - HEADER_ROOM, MAX_VALUE_BYTES);
    }
    return new JetStreamKvStore(connection, bucket);
  }

  /**
   * The bucket this store keeps its keys in.
   *
   * @return the name given to {@code open}; the backing stream is {@code KV_} and this name
   */
  public String bucket() {
    return bucket;
  }

  @Override
  public Optional<StoreEntry> get(String key) {
    Keys.checkKey(key);
    ensureOpen();
    try {
      return Optional.ofNullable(kv.get(KvKeys.encode(key)))
          .map(entry -> new StoreEntry(key, valueOf(entry), entry.getRevision()));
    } catch (IOException | JetStreamApiException e) {
      throw failure("get " + key, e);
    }
  }

  @Override
  public List<StoreEntry> list(String prefix) {
    Keys.checkPrefix(prefix);
    ensureOpen();
    List<StoreEntry> entries = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    KeyValueWatcher collector = new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT) {
          return;
        }
        String key = KvKeys.decode(entry.getKey());
        synchronized (entries) {
          if (done.getCount() > 0 && key.startsWith(prefix)) {
            entries.add(new StoreEntry(key, valueOf(entry), entry.getRevision()));
          }
        }
      }

      @Override
      public void endOfData() {
        synchronized (entries) {
          done.countDown();
        }
      }
    };
    try {
      NatsKeyValueWatchSubscription subscription =
          kv.watch(KvKeys.filter(prefix), collector, KeyValueWatchOption.IGNORE_DELETE);
      try {
        if (!done.await(LIST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new UncheckedIOException(new IOException("listing " + prefix + "* in KV bucket "
              + bucket + " did not finish within " + LIST_TIMEOUT));
        }
      } finally {
        subscription.unsubscribe();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted listing " + prefix));
    } catch (IOException | JetStreamApiException e) {
      throw failure("list " + prefix, e);
    }
    synchronized (entries) {
      List<StoreEntry> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparing(StoreEntry::key));
      return sorted;
    }
  }

  @Override
  public long put(String key, byte[] value) {
    checkWrite(key, value);
    try {
      return kv.put(KvKeys.encode(key), value);
    } catch (IOException | JetStreamApiException e) {
      throw failure("put " + key, e);
    }
  }

  @Override
  public OptionalLong compareAndSet(String key, long expectedRevision, byte[] value) {
    checkWrite(key, value);
    checkRevision(expectedRevision);
    String kvKey = KvKeys.encode(key);
    try {
      if (expectedRevision == 0) {
        return OptionalLong.of(kv.create(kvKey, value));
      }
      if (!isLiveAt(kvKey, expectedRevision)) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(kv.update(kvKey, value, expectedRevision));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return OptionalLong.empty();
      }
      throw failure("compare-and-set " + key, e);
    } catch (IOException e) {
      throw failure("compare-and-set " + key, e);
    }
  }

  @Override
  public boolean delete(String key) {
    Keys.checkKey(key);
    ensureOpen();
    String kvKey = KvKeys.encode(key);
    try {
      while (true) {
        KeyValueEntry current = kv.get(kvKey);
        if (current == null) {
          return false;
        }
        if (deleteAt(kvKey, current.getRevision())) {
          return true;
        }
      }
    } catch (IOException | JetStreamApiException e) {
      throw failure("delete " + key, e);
    }
  }

  @Override
  public boolean compareAndDelete(String key, long expectedRevision) {
    Keys.checkKey(key);
    checkRevision(expectedRevision);
    ensureOpen();
    String kvKey = KvKeys.encode(key);
    try {
      return expectedRevision > 0 && isLiveAt(kvKey, expectedRevision)
          && deleteAt(kvKey, expectedRevision);
    } catch (IOException | JetStreamApiException e) {
      throw failure("compare-and-delete " + key, e);
    }
  }

  @Override
  public Watch watch(String prefix, Consumer<WatchEvent> listener) {
    Keys.checkPrefix(prefix);
    Objects.requireNonNull(listener, "listener");
    ensureOpen();
    KvWatch watch = new KvWatch(prefix, listener, revision());
    try {
      watch.subscription = watch.subscribe();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted watching " + prefix));
    } catch (IOException | JetStreamApiException e) {
      throw failure("watch " + prefix, e);
    }
    watches.add(watch);
    if (closed) {
      watch.close();
    }
    return watch;
  }

  @Override
  public long revision() {
    ensureOpen();
    try {
      return jsm.getStreamInfo(stream).getStreamState().getLastSequence();
    } catch (IOException | JetStreamApiException e) {
      throw failure("read the revision", e);
    }
  }

  /** Ends every watch; the connection stays open. Idempotent. */
  @Override
  public void close() {
    closed = true;
    connection.removeConnectionListener(resumeWatches);
    for (KvWatch watch : watches) {
      watch.close();
    }
  }

  @Override
  public String toString() {
    return "JetStreamKvStore{" + bucket + " on " + connection.getConnectedUrl()
        + (closed ? ", closed" : "") + "}";
  }

  private void onConnectionEvent(Connection source, ConnectionListener.Events event) {
    if (event == ConnectionListener.Events.RESUBSCRIBED && !closed) {
      for (KvWatch watch : watches) {
        watch.resume();
      }
    }
  }

  /** Whether the key's last write is a value (not a delete) of revision {@code revision}. */
  private boolean isLiveAt(String kvKey, long revision) throws IOException, JetStreamApiException {
    KeyValueEntry current = kv.get(kvKey);
    return current != null && current.getRevision() == revision;
  }

  private boolean deleteAt(String kvKey, long revision) throws IOException, JetStreamApiException {
    try {
      kv.delete(kvKey, revision);
      return true;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
        return false;
      }
      throw e;
    }
  }

  private void checkWrite(String key, byte[] value) {
    Keys.checkKey(key);
    Keys.checkValue(value);
    ensureOpen();
    long room = connection.getMaxPayload() - HEADER_ROOM;
    if (value.length > room) {
      throw new IllegalStateException("value of " + key + " is " + value.length + " bytes, more "
          + "than the NATS server's max_payload of " + connection.getMaxPayload()
          + " bytes leaves for it; raise max_payload (for instance to 8MB) in nats-server.conf");
    }
  }

  private static void checkRevision(long expectedRevision) {
    if (expectedRevision < 0) {
      throw new IllegalArgumentException(
          "expectedRevision must not be negative: " + expectedRevision);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("KV store " + bucket + " is closed");
    }
  }

  private UncheckedIOException failure(String action, Exception e) {
    IOException io = e instanceof IOException ioe ? ioe
        : new IOException(e.getMessage(), e);
    return new UncheckedIOException("KV bucket " + bucket + ": cannot " + action + ": "
        + e.getMessage(), io);
  }

  private static byte[] valueOf(KeyValueEntry entry) {
    byte[] value = entry.getValue();
    return value == null ? new byte[0] : value;
  }

  /**
   * One watch: filters by the decoded key, delivers each revision once and in order across the
   * consumers an outage makes it start, and stops delivering once closed.
   */
  private final class KvWatch implements Watch, KeyValueWatcher {
    private final String prefix;
    private final Consumer<WatchEvent> listener;
    /** The last revision delivered or skipped; guarded by this. */
    private long lastRevision;
    private volatile NatsKeyValueWatchSubscription subscription;
    private volatile boolean stopped;

    KvWatch(String prefix, Consumer<WatchEvent> listener, long startRevision) {
      this.prefix = prefix;
      this.listener = listener;
      this.lastRevision = startRevision;
    }

    NatsKeyValueWatchSubscription subscribe()
        throws IOException, JetStreamApiException, InterruptedException {
      long from;
      synchronized (this) {
        from = lastRevision + 1;
      }
      return kv.watch(KvKeys.filter(prefix), this, from);
    }

    /** Replaces the consumer, which the server may have lost, by one after the last revision. */
    void resume() {
      NatsKeyValueWatchSubscription old = subscription;
      try {
        subscription = subscribe();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        log.warn("Watch of {}* in KV bucket {} not restarted after a reconnect ({}); jnats will "
            + "reset it when it misses its heartbeats", prefix, bucket, e.getMessage());
        return;
      }
      if (stopped) {
        close(subscription);
      }
      close(old);
    }

    @Override
    public synchronized void watch(KeyValueEntry entry) {
      if (stopped || entry.getRevision() <= lastRevision) {
        return;
      }
      lastRevision = entry.getRevision();
      String key = KvKeys.decode(entry.getKey());
      if (!key.startsWith(prefix)) {
        return;
      }
      WatchEvent event = entry.getOperation() == KeyValueOperation.PUT
          ? new WatchEvent(WatchEvent.Kind.PUT, key, valueOf(entry), entry.getRevision())
          : new WatchEvent(WatchEvent.Kind.DELETE, key, new byte[0], entry.getRevision());
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("Watch of {}* in KV bucket {} failed on {}; the watch goes on", prefix, bucket,
            event, e);
      }
    }

    @Override
    public void endOfData() {
      log.trace("Watch of {}* in KV bucket {} is live", prefix, bucket);
    }

    @Override
    public void close() {
      if (stopped) {
        return;
      }
      stopped = true;
      watches.remove(this);
      close(subscription);
    }

    private void close(NatsKeyValueWatchSubscription running) {
      if (running != null && connection.getStatus() != Connection.Status.CLOSED) {
        try {
          running.unsubscribe();
        } catch (IllegalStateException e) {
          log.debug("Watch of {}* in KV bucket {} already gone with its connection", prefix,
              bucket, e);
        }
      }
    }
  }
}
