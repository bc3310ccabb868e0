package dev.paaskit.nats;

import dev.paaskit.api.Secret;
import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to reach NATS: servers, credentials, TLS and the reconnect policy, turned into jnats
 * {@link Options} by {@link #toOptions()} or into a connection by {@link #connect()}.
 *
 * <p>At most one kind of credential: user and password, a token, an nkey seed, or a creds file
 * (JWT and nkey seed). Passwords, tokens and seeds are {@link Secret}s, and server URLs may not
 * carry credentials, so neither {@link #toString()}, nor a log line of the connection listener,
 * nor an exception of {@link #connect()} shows one.
 *
 * <pre>{@code
 * NatsSettings settings = NatsSettings.builder("nats://10.0.0.5:4222")
 *     .userPassword("paaskit", Secret.of(System.getenv("NATS_PASSWORD")))
 *     .connectionName("controller-1")
 *     .build();
 * Connection connection = settings.connect();
 * }</pre>
 *
 * @param servers nats:// or tls:// URLs without user info; jnats picks among them
 * @param user with {@code password}, for user/password authentication
 * @param token token authentication
 * @param nkeySeed nkey authentication: the seed signs the server's nonce
 * @param credsFile a NATS creds file (user JWT and nkey seed), read at each connect
 * @param sslContext TLS to the server; a tls:// URL with none uses the JVM's default trust
 * @param connectionName shown by the server's monitoring, for operators
 * @param reconnectBufferBytes how many bytes of messages published while disconnected are kept
 *     for sending on reconnect; beyond it a publish is refused with
 *     {@link PublishRefusedException}. 0 refuses every publish while disconnected.
 * @param reconnectWait the pause between reconnect attempts to the same server
 * @param maxReconnects reconnect attempts before the connection closes for good; -1 for no limit
 * @param connectTimeout how long one connection attempt may take
 */
public record NatsSettings(List<String> servers, Optional<String> user, Optional<Secret> password,
    Optional<Secret> token, Optional<Secret> nkeySeed, Optional<Path> credsFile,
    Optional<SSLContext> sslContext, Optional<String> connectionName, long reconnectBufferBytes,
    Duration reconnectWait, int maxReconnects, Duration connectTimeout) {
  /** jnats' own default: 8 MiB of messages kept while disconnected. */
  public static final long DEFAULT_RECONNECT_BUFFER_BYTES = 8L << 20;

  private static final Logger log = LoggerFactory.getLogger(NatsSettings.class);
  private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");

  public NatsSettings {
    servers = List.copyOf(servers);
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("at least one NATS server URL is needed");
    }
    for (int i = 0; i < servers.size(); i++) {
      checkServer(i, servers.get(i));
    }
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(nkeySeed, "nkeySeed");
    Objects.requireNonNull(credsFile, "credsFile");
    Objects.requireNonNull(sslContext, "sslContext");
    Objects.requireNonNull(connectionName, "connectionName");
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("user and password go together: "
          + (user.isPresent() ? "user " + user.get() + " has no password" : "password without a user"));
    }
    int kinds = (user.isPresent() ? 1 : 0) + (token.isPresent() ? 1 : 0)
        + (nkeySeed.isPresent() ? 1 : 0) + (credsFile.isPresent() ? 1 : 0);
    if (kinds > 1) {
      throw new IllegalArgumentException("choose one kind of NATS credential, not " + kinds
          + " (user/password, token, nkey seed, creds file)");
    }
    if (reconnectBufferBytes < 0) {
      throw new IllegalArgumentException(
          "reconnectBufferBytes must not be negative: " + reconnectBufferBytes);
    }
    Objects.requireNonNull(reconnectWait, "reconnectWait");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (reconnectWait.isNegative()) {
      throw new IllegalArgumentException("reconnectWait must not be negative: " + reconnectWait);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
    }
    if (maxReconnects < -1) {
      throw new IllegalArgumentException("maxReconnects must be -1 (no limit) or more: " + maxReconnects);
    }
  }

  /** Settings for {@code servers} with no credentials, no TLS and the default reconnect policy. */
  public static NatsSettings of(String... servers) {
    return builder(servers).build();
  }

  public static Builder builder(String... servers) {
    return new Builder(List.of(servers));
  }

  /** A builder holding these settings, to derive others. */
  public Builder toBuilder() {
    Builder builder = new Builder(servers);
    builder.user = user;
    builder.password = password;
    builder.token = token;
    builder.nkeySeed = nkeySeed;
    builder.credsFile = credsFile;
    builder.sslContext = sslContext;
    builder.connectionName = connectionName;
    builder.reconnectBufferBytes = reconnectBufferBytes;
    builder.reconnectWait = reconnectWait;
    builder.maxReconnects = maxReconnects;
    builder.connectTimeout = connectTimeout;
    return builder;
  }

  /**
   * The jnats options: these settings, plus listeners that log connection events and errors
   * through SLF4J without credentials. jnats keeps its defaults for the rest, including the
   * no-responders support that {@link NatsBus} relies on.
   */
  public Options toOptions() {
    Options.Builder options = new Options.Builder()
        .servers(servers.toArray(String[]::new))
        .reconnectBufferSize(reconnectBufferBytes)
        .reconnectWait(reconnectWait)
        .maxReconnects(maxReconnects)
        .connectionTimeout(connectTimeout)
        .connectionListener(NatsSettings::logEvent)
        .errorListener(new LoggingErrorListener());
    connectionName.ifPresent(options::connectionName);
    if (user.isPresent()) {
      options.userInfo(user.get().toCharArray(), password.orElseThrow().reveal().toCharArray());
    }
    token.ifPresent(t -> options.token(t.reveal().toCharArray()));
    nkeySeed.ifPresent(seed -> options.authHandler(nkeyAuth(seed)));
    credsFile.ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
    sslContext.ifPresent(options::sslContext);
    return options.build();
  }

  /**
   * Connects to one of the servers.
   *
   * @throws IOException if none could be reached or the server refused the credentials; the
   *     message names the servers and the server's reason, never a credential
   */
  public Connection connect() throws IOException {
    try {
      return Nats.connect(toOptions());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting to NATS at " + servers);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot connect to NATS at " + servers + as() + ": " + reason(e));
    }
  }

  /**
   * An SSLContext that trusts the certificates in {@code trustStore} (PKCS12 or JKS, by the
   * file's content), for servers whose certificate a private CA signed.
   */
  public static SSLContext trusting(Path trustStore, Secret storePassword) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance(trustStore.toFile(), storePassword.reveal().toCharArray());
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load the trust store " + trustStore + ": " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public String toString() {
    return "NatsSettings{" + servers + as() + sslContext.map(c -> ", tls").orElse("")
        + connectionName.map(n -> ", name=" + n).orElse("")
        + ", reconnectBuffer=" + reconnectBufferBytes + " bytes}";
  }

  /** Closes a connection on a failure path, keeping the failure that led there. */
  static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String as() {
    if (user.isPresent()) {
      return " as user " + user.get();
    }
    if (token.isPresent()) {
      return " with a token";
    }
    if (nkeySeed.isPresent()) {
      return " with an nkey";
    }
    return credsFile.map(file -> " with creds file " + file).orElse("");
  }

  /** The server's or the socket's reason, which carries no credential of ours. */
  private static String reason(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  private static AuthHandler nkeyAuth(Secret seed) {
    return Nats.staticCredentials(null, seed.reveal().toCharArray());
  }

  private static void checkServer(int index, String server) {
    Objects.requireNonNull(server, "server URL " + (index + 1));
    URI uri;
    try {
      uri = new URI(server);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("server URL " + (index + 1) + " is not a URL: "
          + e.getReason());
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("server URL " + (index + 1) + " carries credentials: "
          + "pass them as userPassword, token, nkeySeed or credsFile, never in a URL");
    }
    if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("server URL \"" + server
          + "\" must be nats://HOST:PORT (or tls://, ws://, wss://)");
    }
  }

  private static void logEvent(Connection connection, ConnectionListener.Events event) {
    String server = connection.getConnectedUrl();
    switch (event) {
      case DISCONNECTED -> log.warn("NATS: disconnected{}", server == null ? "" : " from " + server);
      case RECONNECTED, RESUBSCRIBED -> log.info("NATS: {} to {}", event.getEvent(), server);
      case CLOSED -> log.info("NATS: connection closed");
      default -> log.debug("NATS: {} ({})", event.getEvent(), server);
    }
  }

  /** jnats errors to SLF4J; jnats passes server error texts, which carry no credential. */
  private static final class LoggingErrorListener implements ErrorListener {
    @Override
    public void errorOccurred(Connection connection, String error) {
      log.warn("NATS server error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
      log.warn("NATS connection problem: {}", reason(exception));
    }

    @Override
    public void heartbeatAlarm(Connection connection, io.nats.client.JetStreamSubscription sub,
        long lastStreamSequence, long lastConsumerSequence) {
      log.warn("NATS: a JetStream consumer missed its heartbeats (stream seq {}); jnats resets it",
          lastStreamSequence);
    }

    @Override
    public void slowConsumerDetected(Connection connection, io.nats.client.Consumer consumer) {
      log.warn("NATS: a slow consumer dropped messages: {}", consumer);
    }
  }

  /** Builds {@link NatsSettings}; setting a credential twice is an error. Not thread-safe. */
  public static final class Builder {
    private final List<String> servers;
    private Optional<String> user = Optional.empty();
    private Optional<Secret> password = Optional.empty();
    private Optional<Secret> token = Optional.empty();
    private Optional<Secret> nkeySeed = Optional.empty();
    private Optional<Path> credsFile = Optional.empty();
    private Optional<SSLContext> sslContext = Optional.empty();
    private Optional<String> connectionName = Optional.empty();
    private long reconnectBufferBytes = DEFAULT_RECONNECT_BUFFER_BYTES;
    private Duration reconnectWait = Duration.ofMillis(500);
    private int maxReconnects = -1;
    private Duration connectTimeout = Duration.ofSeconds(5);

    private Builder(List<String> servers) {
      this.servers = List.copyOf(servers);
    }

    public Builder userPassword(String user, Secret password) {
      requireNoCredential();
      this.user = Optional.of(Objects.requireNonNull(user, "user"));
      this.password = Optional.of(Objects.requireNonNull(password, "password"));
      return this;
    }

    public Builder token(Secret token) {
      requireNoCredential();
      this.token = Optional.of(Objects.requireNonNull(token, "token"));
      return this;
    }

    public Builder nkeySeed(Secret seed) {
      requireNoCredential();
      this.nkeySeed = Optional.of(Objects.requireNonNull(seed, "seed"));
      return this;
    }

    public Builder credsFile(Path file) {
      requireNoCredential();
      this.credsFile = Optional.of(Objects.requireNonNull(file, "file"));
      return this;
    }

    public Builder tls(SSLContext context) {
      this.sslContext = Optional.of(Objects.requireNonNull(context, "context"));
      return this;
    }

    public Builder connectionName(String name) {
      this.connectionName = Optional.of(Objects.requireNonNull(name, "name"));
      return this;
    }

    public Builder reconnectBufferBytes(long bytes) {
      this.reconnectBufferBytes = bytes;
      return this;
    }

    public Builder reconnectWait(Duration wait) {
      this.reconnectWait = wait;
      return this;
    }

    public Builder maxReconnects(int maxReconnects) {
      this.maxReconnects = maxReconnects;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** @throws IllegalArgumentException if the settings are inconsistent or a URL is invalid */
    public NatsSettings build() {
      return new NatsSettings(servers, user, password, token, nkeySeed, credsFile, sslContext,
          connectionName, reconnectBufferBytes, reconnectWait, maxReconnects, connectTimeout);
    }

    private void requireNoCredential() {
      if (user.isPresent() || token.isPresent() || nkeySeed.isPresent() || credsFile.isPresent()) {
        throw new IllegalStateException("a NATS credential is already set");
      }
    }
  }
}
