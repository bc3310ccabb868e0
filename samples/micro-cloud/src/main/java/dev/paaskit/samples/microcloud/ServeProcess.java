package dev.paaskit.samples.microcloud;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code paaskit serve} in a child JVM on this JVM's class path, as a user runs it: for the tests
 * and {@code paaskit bench failover --procs}. It is ready once it prints {@code serving: ROLES}.
 */
public final class ServeProcess implements AutoCloseable {
  private static final Pattern API = Pattern.compile("^api: http://127\\.0\\.0\\.1:(\\d+)$");
  private static final Pattern ROUTER = Pattern.compile("^router: http://127\\.0\\.0\\.1:(\\d+)$");
  private static final String SERVING = "serving: ";

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile int apiPort;
  private volatile int routerPort;

  private ServeProcess(List<String> args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java,
        "-Dsun.net.httpserver.nodelay=true", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "serve"));
    command.addAll(args);
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread reader = new Thread(this::read, "serve-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts serve on {@code data}, with {@code extraArgs} after the usual ones, and returns once it
   * prints its API and router addresses.
   */
  static ServeProcess start(Path data, String... extraArgs) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--api-port", "0", "--router-port", "0",
        "--nodes", "2", "--data", data.toString()));
    args.addAll(List.of(extraArgs));
    return launch(args).awaitReady();
  }

  /** Starts serve with exactly {@code args}, without waiting for it; see {@link #awaitReady()}. */
  public static ServeProcess launch(List<String> args) throws IOException {
    return new ServeProcess(args);
  }

  /** Returns once serve printed that it serves; kills it if it does not within 60 s. */
  public ServeProcess awaitReady() throws InterruptedException {
    if (!ready.await(60, TimeUnit.SECONDS)) {
      kill9();
      throw new IllegalStateException("serve did not start within 60 s; it printed:\n"
          + String.join("\n", output));
    }
    return this;
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
        Matcher api = API.matcher(line);
        Matcher router = ROUTER.matcher(line);
        if (api.matches()) {
          apiPort = Integer.parseInt(api.group(1));
        } else if (router.matches()) {
          routerPort = Integer.parseInt(router.group(1));
        } else if (line.startsWith(SERVING)) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      output.add("(output ended: " + e + ")");
    }
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  public int routerPort() {
    return routerPort;
  }

  List<String> output() {
    return List.copyOf(output);
  }

  /** The processes serve started that still run, such as its instances. */
  public List<ProcessHandle> descendants() {
    return process.toHandle().descendants().toList();
  }

  /** SIGKILL: no shutdown hook runs, nothing is stopped cleanly. */
  public void kill9() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as Ctrl-C or a service manager would; returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("serve did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      terminate();
    }
  }
}
