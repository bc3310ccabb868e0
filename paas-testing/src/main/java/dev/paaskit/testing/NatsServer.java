package dev.paaskit.testing;

import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} process for tests and benchmarks: JetStream on, a temporary store
 * folder, listening on a free port of 127.0.0.1 only, with a {@code max_payload} of 8 MiB so that
 * a {@link dev.paaskit.api.spi.StateStore} value of the full 1 MiB fits in one message.
 *
 * <p>{@link #stop()} ends the process and keeps its port and store, so {@link #restart()} brings
 * the same server back (streams, key-value buckets and object stores included) at the same URL;
 * {@link #close()} stops it and deletes its folder. Starting waits, with a deadline, until the
 * server accepts connections.
 *
 * <p>The executable is looked up on the {@code PATH}, then in {@code /usr/sbin}. When it is missing
 * the start fails and says how to get it: {@code ./paaskit test} installs the Debian package.
 *
 * <pre>{@code
 * try (NatsServer nats = NatsServer.start()) {
 *   Connection connection = Nats.connect(nats.url());
 *   ...
 *   nats.stop();      // the outage
 *   nats.restart();   // same port, same JetStream data
 * }
 * }</pre>
 *
 * <p>A JVM shutdown hook, removed by {@link #close()}, kills a server the test left running, so
 * no nats-server outlives its JVM. Thread-safe.
 */
public final class NatsServer implements AutoCloseable {
  private static final Pattern PORTS_FILE_URL = Pattern.compile("nats://[^:\"]+:(\\d+)");
  private static final String MAX_PAYLOAD = "max_payload: 8388608\n";

  private final Path executable;
  private final Path home;
  private final Path storeDir;
  private final List<String> authArgs;
  private final Duration startTimeout;
  private Process process;
  private int port;
  private boolean closed;
  private Thread shutdownHook;

  private NatsServer(Builder builder, Path executable, Path home) {
    this.executable = executable;
    this.home = home;
    this.storeDir = home.resolve("store");
    this.authArgs = List.copyOf(builder.authArgs);
    this.startTimeout = builder.startTimeout;
  }

  /**
   * Starts a server with the defaults: no authentication, a 20 second start deadline.
   *
   * @return a running server; close it when done
   * @throws IllegalStateException if no nats-server executable is found
   * @throws IOException if the server does not come up within the start deadline, or its
   *     folder cannot be made
   */
  public static NatsServer start() throws IOException {
    return builder().start();
  }

  /**
   * A builder, for authentication, another start deadline or another executable.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where clients connect.
   *
   * @return {@code nats://127.0.0.1:<port>}; the same across restarts
   */
  public synchronized String url() {
    return "nats://127.0.0.1:" + port;
  }

  /**
   * The port the server listens on, chosen free at the first start.
   *
   * @return the port; the same across restarts
   */
  public synchronized int port() {
    return port;
  }

  /**
   * The JetStream store folder, kept across restarts, deleted by {@link #close()}.
   *
   * @return the folder
   */
  public Path storeDir() {
    return storeDir;
  }

  /**
   * Whether the server's process runs now.
   *
   * @return false after {@link #stop()}, after {@link #close()}, or when the process died
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * The server's own log so far, of every start, for a failure message.
   *
   * @return the log's text; empty when there is none, or a line saying why it cannot be read
   */
  public String log() {
    try {
      Path log = home.resolve("nats-server.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read the log: " + e + ")";
    }
  }

  /**
   * Ends the server as an operator would (SIGTERM, SIGKILL if it is still there after 10 seconds);
   * clients see the connection drop. The port and the store stay. Idempotent.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Process stopping = process;
    process = null;
    stopping.destroy();
    try {
      if (!stopping.waitFor(10, TimeUnit.SECONDS)) {
        stopping.destroyForcibly();
        stopping.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      stopping.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts the server again on the same port with the same store, and waits until it accepts
   * connections. Stops it first if it is running.
   *
   * @throws IllegalStateException if the server was closed
   * @throws IOException if the server does not come up within the start deadline; it is then
   *     stopped
   */
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException("nats-server on port " + port + " was closed");
    }
    stop();
    launch();
  }

  /** Stops the server and deletes its folder. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down and runs the hook itself
        shutdownHook = null;
      }
    }
    Trees.deleteQuietly(home);
  }

  @Override
  public synchronized String toString() {
    return "NatsServer{" + url() + (isRunning() ? "" : ", stopped") + "}";
  }

  private void launch() throws IOException {
    boolean first = port == 0;
    List<String> command = new ArrayList<>(List.of(executable.toString(),
        "-c", home.resolve("nats-server.conf").toString(),
        "-a", "127.0.0.1", "-p", first ? "-1" : Integer.toString(port),
        "-js", "-sd", storeDir.toString(), "--ports_file_dir", home.toString()));
    command.addAll(authArgs);
    deletePortsFiles();
    Process started = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("nats-server.log").toFile()))
        .start();
    process = started;
    long deadline = System.nanoTime() + startTimeout.toNanos();
    try {
      if (first) {
        port = awaitPortsFile(started, deadline);
      }
      awaitConnectable(started, deadline);
    } catch (IOException | RuntimeException e) {
      stop();
      throw e;
    }
  }

  private int awaitPortsFile(Process started, long deadline) throws IOException {
    Path portsFile = home.resolve("nats-server_" + started.pid() + ".ports");
    while (true) {
      if (Files.exists(portsFile)) {
        Matcher matcher = PORTS_FILE_URL.matcher(Files.readString(portsFile));
        if (matcher.find()) {
          return Integer.parseInt(matcher.group(1));
        }
      }
      pause(started, deadline, "write its ports file " + portsFile);
    }
  }

  private void awaitConnectable(Process started, long deadline) throws IOException {
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException refused) {
        pause(started, deadline, "accept connections on 127.0.0.1:" + port + " (last: " + refused + ")");
      }
    }
  }

  /** Waits a little for the process to die, failing if it did or if the deadline passed. */
  private void pause(Process started, long deadline, String awaited) throws IOException {
    boolean exited;
    try {
      exited = started.waitFor(20, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while nats-server was starting", e);
    }
    if (exited) {
      throw new IOException("nats-server exited with " + started.exitValue()
          + " before it could " + awaited + "; its log:\n" + log());
    }
    if (System.nanoTime() - deadline > 0) {
      throw new IOException("nats-server did not " + awaited + " within " + startTimeout
          + "; its log:\n" + log());
    }
  }

  private void deletePortsFiles() throws IOException {
    try (Stream<Path> files = Files.list(home)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".ports")).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void registerShutdownHook() {
    shutdownHook = new Thread(() -> {
      Process running = process;
      if (running != null) {
        running.destroyForcibly();
      }
    }, "nats-server-" + port + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The folders searched for {@code nats-server}: those of {@code pathVariable}, then /usr/sbin. */
  static List<Path> searchPath(String pathVariable) {
    List<Path> dirs = new ArrayList<>();
    if (pathVariable != null) {
      for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.add(Path.of("/usr/sbin"));
    return dirs;
  }

  /** The first executable {@code nats-server} in {@code dirs}. */
  static Optional<Path> findExecutable(List<Path> dirs) {
    return dirs.stream().map(dir -> dir.resolve("nats-server")).filter(Files::isExecutable)
        .findFirst();
  }

  static IllegalStateException notInstalled(String where) {
    return new IllegalStateException("nats-server is not installed: " + where + ". Run "
        + "./paaskit test, which installs the Debian package nats-server (or apt-get install "
        + "nats-server).");
  }

  /**
   * Options of a {@link NatsServer}. At most one way of authentication may be set. Not
   * thread-safe.
   */
  public static final class Builder {
    private final List<String> authArgs = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(20);
    private Path executable;

    private Builder() {}

    /**
     * Requires clients to log in with {@code user} and {@code password}.
     *
     * @param user the user name
     * @param password the password
     * @return this builder
     * @throws IllegalStateException if an authentication was set before
     * @throws NullPointerException if an argument is null
     */
    public Builder userPassword(String user, String password) {
      requireNoAuth();
      authArgs.addAll(List.of("--user", Objects.requireNonNull(user, "user"),
          "--pass", Objects.requireNonNull(password, "password")));
      return this;
    }

    /**
     * Requires clients to present {@code token}.
     *
     * @param token the token
     * @return this builder
     * @throws IllegalStateException if an authentication was set before
     * @throws NullPointerException if {@code token} is null
     */
    public Builder token(String token) {
      requireNoAuth();
      authArgs.addAll(List.of("--auth", Objects.requireNonNull(token, "token")));
      return this;
    }

    /**
     * How long a start (and each restart) may take before it fails; 20 seconds by default.
     *
     * @param startTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if {@code startTimeout} is 0 or negative
     */
    public Builder startTimeout(Duration startTimeout) {
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * The server binary, instead of looking it up on the PATH and in /usr/sbin.
     *
     * @param executable an executable nats-server; checked by {@link #start()}
     * @return this builder
     */
    public Builder executable(Path executable) {
      this.executable = Objects.requireNonNull(executable, "executable");
      return this;
    }

    /**
     * Starts the server and waits until it accepts connections.
     *
     * @return a running server; close it when done
     * @throws IllegalStateException if no nats-server executable is found
     * @throws IOException if the server does not come up within the start timeout, or its
     *     folder cannot be made; nothing is left behind then
     */
    public NatsServer start() throws IOException {
      Path binary = executable != null ? executable
          : findExecutable(searchPath(System.getenv("PATH"))).orElseThrow(
              () -> notInstalled("it is neither on the PATH nor in /usr/sbin"));
      if (!Files.isExecutable(binary)) {
        throw notInstalled(binary + " is not an executable file");
      }
      Path home = Files.createTempDirectory("paaskit-nats-");
      try {
        Files.createDirectories(home.resolve("store"));
        Files.writeString(home.resolve("nats-server.conf"), MAX_PAYLOAD);
        NatsServer server = new NatsServer(this, binary, home);
        synchronized (server) {
          server.launch();
          server.registerShutdownHook();
        }
        return server;
      } catch (IOException | RuntimeException e) {
        Trees.deleteQuietly(home);
        throw e;
      }
    }

    private void requireNoAuth() {
      if (!authArgs.isEmpty()) {
        throw new IllegalStateException("authentication already set");
      }
    }
  }
}
