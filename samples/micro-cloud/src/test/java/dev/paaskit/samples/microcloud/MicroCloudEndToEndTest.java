package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.DeploymentStatus;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.testing.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole path with real parts: a Python app staged, run as processes, reached through HTTP. */
@Timeout(120)
class MicroCloudEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern PID = Pattern.compile("instance (\\d+) \\(pid (\\d+)\\)");

  @TempDir Path tmp;
  private PaasCloud cloud;
  private Waits waits;
  private int port;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS).build();

  @BeforeEach
  void start() {
    cloud = MicroCloud.build("e2e", tmp, 2, 0);
    waits = Waits.on(cloud);
    cloud.start();
    port = MicroCloud.routerPort(cloud);
  }

  @AfterEach
  void stop() {
    cloud.close();
    http.connectionPool().evictAll();
  }

  private Response get(String host) throws IOException {
    return http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/")
        .header("Host", host).build()).execute();
  }

  private List<InstanceStatus> running() {
    return cloud.controller().instances("hello").stream()
        .filter(i -> i.state() == InstanceState.RUNNING).toList();
  }

  /** The pids of the instances answering {@code requests} requests; empty on any non-200. */
  private Set<String> answeringPids(int requests) {
    Set<String> pids = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      try (Response r = get("hello.localhost")) {
        Matcher m = PID.matcher(r.body().string());
        if (r.code() != 200 || !m.find()) {
          return Set.of();
        }
        pids.add(m.group(2));
      } catch (IOException e) {
        return Set.of();
      }
    }
    return pids;
  }

  @Test
  void pushedPythonAppAnswersThroughTheRouterFromSeveralInstancesAndHealsAKill() throws Exception {
    try (Response r = get("hello.localhost")) {
      assertEquals(404, r.code(), "no app yet");
    }
    Path app = SampleApps.helloPython(tmp);
    cloud.controller().push(AppSpec.builder("hello").instances(3).memory("128M").disk("256M").build(),
        app, line -> { }).staged().get(60, TimeUnit.SECONDS);
    waits.until(() -> running().size() == 3, WAIT, () -> "3 RUNNING, have "
        + cloud.controller().instances("hello"));
    assertEquals(2, running().stream().map(InstanceStatus::nodeId).distinct().count(),
        "3 instances spread over both nodes: " + running());

    // RUNNING is reported on one subscription and the route on another: wait until all three
    // answer through the router, then expect round robin to reach each in every 3 requests.
    Set<String> pids = new HashSet<>();
    waits.until(() -> answeringPids(3).size() == 3, WAIT, () -> "3 instances routed");
    pids.addAll(answeringPids(6));
    assertEquals(3, pids.size(), "round robin reaches every instance: " + pids);

    long victim = Long.parseLong(pids.iterator().next());
    ProcessHandle.of(victim).orElseThrow().destroyForcibly();
    waits.until(() -> cloud.controller().events("hello").stream()
            .anyMatch(e -> e.type() == EventType.INSTANCE_CRASHED), WAIT,
        () -> "the crash to be seen, events " + cloud.controller().events("hello"));
    waits.until(() -> running().size() == 3, WAIT, () -> "3 RUNNING again, have "
        + cloud.controller().instances("hello"));
    waits.until(() -> answeringPids(3).size() == 3, WAIT, () -> "3 instances routed again");
    Set<String> after = answeringPids(6);
    assertEquals(3, after.size());
    assertTrue(!after.contains(String.valueOf(victim)), "the killed process is gone: " + after);
  }

  @Test
  void aPushCompletesOnceEveryInstanceRunsAndIsRoutedOrFailsWithTheCrash() throws Exception {
    Path app = SampleApps.helloPython(tmp);
    DeploymentStatus status = cloud.controller().push(AppSpec.builder("hello").instances(2)
        .memory("128M").build(), app, line -> { }).running(WAIT).get(90, TimeUnit.SECONDS);
    assertEquals(2, status.running());
    assertEquals(2, running().size());
    // Each instance's route went out before its RUNNING report: both answer at once.
    assertEquals(2, answeringPids(2).size(), "round robin reaches both instances");

    Path crasher = Files.createDirectories(tmp.resolve("crasher"));
    try (InputStream in = getClass().getResourceAsStream("/apps/crasher/app.py")) {
      Files.copy(in, crasher.resolve("app.py"));
    }
    ExecutionException e = assertThrows(ExecutionException.class, () -> cloud.controller()
        .push(AppSpec.builder("crasher").memory("64M").build(), crasher, line -> { })
        .running(WAIT).get(90, TimeUnit.SECONDS));
    DeploymentFailedException failed = assertInstanceOf(DeploymentFailedException.class,
        e.getCause());
    assertEquals(DeploymentFailedException.Reason.CRASHED, failed.reason());
    CrashInfo crash = failed.crash().orElseThrow();
    assertEquals(3, crash.exitCode());
    assertTrue(crash.lastOutput().stream().anyMatch(l -> l.contains(
        "cannot find configuration file /etc/crasher.conf")), crash.lastOutput().toString());
  }

  @Test
  void repushOfUnchangedBitsReusesTheDropletAndKeepsTheInstances() throws Exception {
    Path app = SampleApps.helloPython(tmp);
    AppSpec spec = AppSpec.builder("hello").instances(2).memory("128M").build();
    cloud.controller().push(spec, app, line -> { }).staged().get(60, TimeUnit.SECONDS);
    waits.until(() -> running().size() == 2, WAIT, () -> "2 RUNNING");
    Set<String> before = new HashSet<>();
    running().forEach(i -> before.add(i.instanceId()));
    String droplet = cloud.controller().get("hello").dropletSha256().orElseThrow();

    StringBuilder log = new StringBuilder();
    cloud.controller().push(spec, app, line -> log.append(line).append('\n')).staged()
        .get(60, TimeUnit.SECONDS);
    assertTrue(log.toString().contains("reusing droplet"), log.toString());
    assertEquals(droplet, cloud.controller().get("hello").dropletSha256().orElseThrow());
    Set<String> after = new HashSet<>();
    running().forEach(i -> after.add(i.instanceId()));
    assertEquals(before, after, "an unchanged push replaces no instance");
  }

  @Test
  void stoppedAppAnswers503AndUnknownHost404() throws Exception {
    Path app = SampleApps.helloPython(tmp);
    cloud.controller().push(AppSpec.builder("hello").instances(1).memory("128M").build(), app,
        line -> { }).staged().get(60, TimeUnit.SECONDS);
    waits.until(() -> running().size() == 1, WAIT, () -> "1 RUNNING");
    cloud.controller().stop("hello");
    waits.until(() -> running().isEmpty(), WAIT, () -> "no instance running");
    waits.until(() -> {
      try (Response r = get("hello.localhost")) {
        return r.code() == 503;
      } catch (IOException e) {
        return false;
      }
    }, WAIT, () -> "503 for a stopped app");
    try (Response r = get("nobody.localhost")) {
      assertEquals(404, r.code());
    }
  }
}
