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

  /**
   * Checks and copies the settings, so a settings value never holds an invalid combination and
   * {@link #connect()} fails only for what it finds then: the network, the server, a creds file.
   *
   * @param servers at least one URL, each {@code nats://}, {@code tls://}, {@code ws://} or
   *     {@code wss://} with a host and without user info; copied
   * @param user present exactly when {@code password} is
   * @param password present exactly when {@code user} is
   * @param token empty unless it is the only credential
   * @param nkeySeed empty unless it is the only credential
   * @param credsFile empty unless it is the only credential; not read here, only at connect
   * @param sslContext empty for plain connections or the JVM's default trust
   * @param connectionName empty to let the server show none
   * @param reconnectBufferBytes 0 or more
   * @param reconnectWait zero or more; zero retries at once
   * @param maxReconnects -1 or more
   * @param connectTimeout more than zero
   * @throws IllegalArgumentException naming the offending value: no server, a URL that is not one
   *     of the schemes above or carries credentials, a user without a password (or the reverse),
   *     two kinds of credential, or a size, duration or count out of its range
   * @throws NullPointerException if any argument or server URL is null
   */
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

  /**
   * Settings for {@code servers} with no credentials, no TLS and the default reconnect policy: an
   * 8 MiB reconnect buffer, 500 ms between attempts, no limit on attempts, 5 s to connect.
   *
   * @param servers the URLs to try, at least one, as the record's {@code servers} component
   * @return the settings, ready for {@link #connect()}
   * @throws IllegalArgumentException if there is no server or a URL is invalid, naming it
   */
  public static NatsSettings of(String... servers) {
    return builder(servers).build();
  }

  /**
   * A builder for {@code servers}, with no credentials, no TLS and the defaults of
   * {@link #of(String...)}. The URLs are checked by {@link Builder#build()}, not here.
   *
   * @param servers the URLs to try, at least one, as the record's {@code servers} component
   * @return a new builder, owned by the caller
   * @throws NullPointerException if {@code servers} or one of them is null
   */
  public static Builder builder(String... servers) {
    return new Builder(List.of(servers));
  }

  /**
   * A builder holding these settings, to derive others. Since the builder refuses a second
   * credential, derive from settings without one to set a different credential.
   *
   * @return a new builder, owned by the caller; changing it leaves these settings as they are
   */
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
   *
   * @return new options on each call; a creds file is read when a connection uses them, not here
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
   * Connects to one of the servers, blocking the caller until connected or failed: up to
   * {@link #connectTimeout()} per attempt on each server.
   *
   * @return an open connection, which the caller closes
   * @throws java.io.InterruptedIOException if the thread was interrupted while connecting; the
   *     interrupt flag is set again
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
   * file's content), for servers whose certificate a private CA signed. The JVM's default CAs
   * are not trusted by it; the client presents no certificate of its own.
   *
   * @param trustStore the key store file holding the CA certificates, read now
   * @param storePassword the store's password, needed to check its integrity
   * @return a TLS context to pass to {@link Builder#tls(SSLContext)}
   * @throws IOException if the file cannot be read, is not a key store, or the password is
   *     wrong; the message never holds the password
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

  /**
   * Builds {@link NatsSettings}; setting a credential twice is an error. Values are checked by
   * {@link #build()}, except that each credential setter refuses a second credential at once.
   * Not thread-safe.
   */
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

    /**
     * Authenticates with a user name and password.
     *
     * @param user the NATS user name, shown in logs and {@code toString}
     * @param password the user's password, never shown
     * @return this builder
     * @throws IllegalStateException if a credential is already set
     * @throws NullPointerException if an argument is null
     */
    public Builder userPassword(String user, Secret password) {
      requireNoCredential();
      this.user = Optional.of(Objects.requireNonNull(user, "user"));
      this.password = Optional.of(Objects.requireNonNull(password, "password"));
      return this;
    }

    /**
     * Authenticates with a token, as configured in the server's {@code authorization} block.
     *
     * @param token the token, never shown
     * @return this builder
     * @throws IllegalStateException if a credential is already set
     * @throws NullPointerException if {@code token} is null
     */
    public Builder token(Secret token) {
      requireNoCredential();
      this.token = Optional.of(Objects.requireNonNull(token, "token"));
      return this;
    }

    /**
     * Authenticates with an nkey: the seed signs the server's nonce and never leaves the process.
     *
     * @param seed the user's nkey seed (starting with {@code SU}), never shown
     * @return this builder
     * @throws IllegalStateException if a credential is already set
     * @throws NullPointerException if {@code seed} is null
     */
    public Builder nkeySeed(Secret seed) {
      requireNoCredential();
      this.nkeySeed = Optional.of(Objects.requireNonNull(seed, "seed"));
      return this;
    }

    /**
     * Authenticates with a creds file (user JWT and nkey seed), as {@code nsc} writes it. The file
     * is read at each connect and reconnect, so a renewed file is used at the next one.
     *
     * @param file the creds file; neither read nor checked for existence here
     * @return this builder
     * @throws IllegalStateException if a credential is already set
     * @throws NullPointerException if {@code file} is null
     */
    public Builder credsFile(Path file) {
      requireNoCredential();
      this.credsFile = Optional.of(Objects.requireNonNull(file, "file"));
      return this;
    }

    /**
     * Connects over TLS with {@code context}, for {@code tls://} URLs or servers that require
     * TLS. Replaces a context set before.
     *
     * @param context the TLS context, for instance from {@link NatsSettings#trusting}
     * @return this builder
     * @throws NullPointerException if {@code context} is null
     */
    public Builder tls(SSLContext context) {
      this.sslContext = Optional.of(Objects.requireNonNull(context, "context"));
      return this;
    }

    /**
     * Names the connection in the server's monitoring ({@code /connz}), for operators; by default
     * it has no name.
     *
     * @param name any text, such as the role and host; shown in {@code toString}
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder connectionName(String name) {
      this.connectionName = Optional.of(Objects.requireNonNull(name, "name"));
      return this;
    }

    /**
     * Sets how many bytes of messages published while disconnected are kept for the reconnect;
     * {@link #DEFAULT_RECONNECT_BUFFER_BYTES} by default.
     *
     * @param bytes 0 or more, 0 to refuse every publish while disconnected; checked by
     *     {@link #build()}
     * @return this builder
     */
    public Builder reconnectBufferBytes(long bytes) {
      this.reconnectBufferBytes = bytes;
      return this;
    }

    /**
     * Sets the pause between reconnect attempts to the same server; 500 ms by default.
     *
     * @param wait zero or more; checked by {@link #build()}
     * @return this builder
     */
    public Builder reconnectWait(Duration wait) {
      this.reconnectWait = wait;
      return this;
    }

    /**
     * Sets how many reconnect attempts are made before the connection closes for good; no limit
     * by default.
     *
     * @param maxReconnects the number of attempts, 0 to never reconnect, -1 for no limit;
     *     checked by {@link #build()}
     * @return this builder
     */
    public Builder maxReconnects(int maxReconnects) {
      this.maxReconnects = maxReconnects;
      return this;
    }

    /**
     * Sets how long one connection attempt to one server may take; 5 seconds by default.
     *
     * @param timeout more than zero; checked by {@link #build()}
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Builds the settings; the builder may be used again after.
     *
     * @return settings holding the values set so far
     * @throws IllegalArgumentException if a URL is invalid or a value is out of range, naming it
     * @throws NullPointerException if {@code reconnectWait} or {@code connectTimeout} was set to
     *     null
     */
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
