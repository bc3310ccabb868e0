package dev.paaskit.testing.rest;

import static dev.paaskit.testing.rest.RestCloud.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.App;
import dev.paaskit.api.AppPackage;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.AppState;
import dev.paaskit.api.Droplet;
import dev.paaskit.api.EventType;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.NodeState;
import dev.paaskit.api.NodeStatus;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.PackageState;
import dev.paaskit.api.Secret;
import dev.paaskit.api.spi.ContainerStats;
import dev.paaskit.rest.RemoteController;
import dev.paaskit.testing.FakeBackend;
import dev.paaskit.testing.StubCartridge;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real cloud driven through the REST API by {@link RemoteController}: what works. */
@Timeout(30)
class RemoteControllerTest {
  @TempDir Path tmp;
  private RestCloud rc;
  private RemoteController remote;

  @BeforeEach
  void start() throws Exception {
    rc = new RestCloud(tmp);
    remote = rc.remote;
  }

  @AfterEach
  void stop() {
    rc.close();
  }

  @Test
  void pushOfAFolderStreamsStagingLinesWhileStagingRuns() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("gated"));
    Files.writeString(dir.resolve(GateCartridge.MARKER), "");
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<String> waiting = new CompletableFuture<>();
    CompletableFuture<App> pushed = remote.push(spec("gated", 2).build(), dir, line -> {
      lines.add(line);
      if (line.equals(GateCartridge.WAITING)) {
        waiting.complete(line);
      }
    }).staged();
    waiting.get(10, TimeUnit.SECONDS);
    assertFalse(pushed.isDone(), "the line came while the cartridge still waited");
    assertTrue(remote.find("gated").isEmpty(), "nothing is stored before staging succeeds");
    rc.gate.open();
    App app = pushed.get(10, TimeUnit.SECONDS);
    assertEquals(AppState.STARTED, app.state());
    assertEquals(PackageState.STAGED, app.packageState());
    assertTrue(lines.indexOf(GateCartridge.WAITING) < lines.indexOf("through the gate"),
        lines.toString());
    rc.awaitRunning("gated", 2);
    assertEquals(List.of("gated.localhost"), app.urls());
    RestCloud.Answer routes = rc.get("/v1/apps/gated/routes");
    assertEquals("{\"routes\":[\"gated.localhost\"]}", routes.body());
    RestCloud.Answer droplet = rc.get("/v1/apps/gated/droplet");
    assertEquals(200, droplet.status());
    assertTrue(droplet.body().contains("\"sha256\":\"" + app.dropletSha256().orElseThrow()),
        droplet.body());
  }

  @Test
  void archivesOfEachFormatArePushedUploadedAndStaged() throws Exception {
    App pushed = remote.push(spec("zipped", 1).build(), zip("zipped"), line -> { }).staged()
        .get(10, TimeUnit.SECONDS);
    assertEquals(AppState.STARTED, pushed.state());
    rc.awaitRunning("zipped", 1);

    AppPackage tgz = remote.upload("zipped", tarGz("zipped"));
    assertEquals(PackageState.PENDING, tgz.state());
    assertEquals(tgz.sha256(), remote.get("zipped").packageSha256().orElseThrow());
    AppPackage tar = remote.upload("zipped", tar("zipped"));
    AppPackage folder = remote.upload("zipped", StubCartridge.appFolder(tmp, "zipped"));
    assertEquals(List.of(tgz.sha256(), tgz.sha256()), List.of(tar.sha256(), folder.sha256()),
        "the same files make the same package, whatever carried them");

    List<String> lines = new CopyOnWriteArrayList<>();
    Droplet droplet = remote.stage("zipped", lines::add).get(10, TimeUnit.SECONDS);
    assertEquals("stub", droplet.cartridge());
    assertEquals(tgz.sha256(), droplet.packageSha256());
    assertEquals("serve zipped", droplet.command());
    assertTrue(lines.stream().anyMatch(l -> l.contains("reusing droplet")), lines.toString());
  }

  @Test
  void anInstancesUsageAndAMemoryKillReachTheClient() throws Exception {
    remote.push(spec("measured", 1).build(), StubCartridge.appFolder(tmp, "measured"), l -> { })
        .staged().get(10, TimeUnit.SECONDS);
    rc.awaitRunning("measured", 1);
    InstanceStatus i = remote.instances("measured").get(0);
    FakeBackend backend = i.nodeId().equals("n1") ? rc.n1 : rc.n2;
    backend.reportStats(i.instanceId(), new ContainerStats(1_000_000L, 29L << 20, 12L << 20));

    RestCloud.eventually(() -> remote.instances("measured").get(0).usage().isPresent(),
        () -> "a sample of measured, have " + remote.instances("measured"));
    InstanceUsage usage = remote.instances("measured").get(0).usage().orElseThrow();
    assertEquals(29L << 20, usage.memoryBytes());
    assertEquals(64L << 20, usage.memoryLimitBytes());
    assertEquals(12L << 20, usage.diskBytes());
    assertEquals(128L << 20, usage.diskQuotaBytes());
    RestCloud.Answer raw = rc.get("/v1/apps/measured/instances");
    assertTrue(raw.body().contains("\"memory_limit_bytes\":67108864"), raw.body());

    backend.killForMemory(i.instanceId());
    RestCloud.eventually(() -> remote.instances("measured").stream()
        .anyMatch(s -> s.instanceId().equals(i.instanceId()) && s.crash().isPresent()),
        () -> "the crash of measured, have " + remote.instances("measured"));
    InstanceStatus killed = remote.instances("measured").stream()
        .filter(s -> s.instanceId().equals(i.instanceId())).findFirst().orElseThrow();
    assertEquals("out of memory: limit 64M", killed.crash().orElseThrow().reason());
    assertEquals(Optional.empty(), killed.usage());
  }

  @Test
  void scaleStopStartRestartAndDeleteDriveTheInstances() throws Exception {
    remote.push(spec("life", 1).build(), StubCartridge.appFolder(tmp, "life"), l -> { }).staged()
        .get(10, TimeUnit.SECONDS);
    rc.awaitRunning("life", 1);
    assertEquals(3, remote.scale("life", 3).staged().join().spec().instances());
    rc.awaitRunning("life", 3);
    assertEquals(List.of(0, 1, 2), remote.instances("life").stream()
        .map(InstanceStatus::index).sorted().toList());

    assertEquals(AppState.STOPPED, remote.stop("life").state());
    rc.waits.until(() -> rc.n1.running().isEmpty() && rc.n2.running().isEmpty(), RestCloud.WAIT,
        () -> "no containers");
    assertEquals(AppState.STARTED, remote.start("life").state());
    rc.awaitRunning("life", 3);

    Set<String> before = ids("life");
    remote.restart("life");
    rc.waits.until(
        () -> rc.running("life") == 3 && ids("life").stream().noneMatch(before::contains),
        RestCloud.WAIT, () -> "3 new instances, have " + remote.instances("life"));

    List<EventType> types = remote.events("life").stream().map(e -> e.type()).toList();
    assertTrue(types.containsAll(List.of(EventType.APP_CREATED, EventType.APP_SCALED,
        EventType.APP_STOPPED, EventType.APP_STARTED)), types.toString());

    remote.delete("life");
    assertThrows(NotFoundException.class, () -> remote.get("life"));
    assertThrows(NotFoundException.class, () -> remote.events("life"),
        "a deleted app's events go with it");
    rc.waits.until(() -> rc.n1.running().isEmpty() && rc.n2.running().isEmpty(), RestCloud.WAIT,
        () -> "no containers after delete");
  }

  private Set<String> ids(String app) {
    return remote.instances(app).stream().filter(i -> i.state().isActive())
        .map(InstanceStatus::instanceId).collect(Collectors.toSet());
  }

  @Test
  void secretValuesLeaveTheServerOnlyWhenAskedFor() throws Exception {
    String secret = "s3cret-value-42";
    AppSpec spec = spec("vault", 1).env("GREETING", "hi").secretEnv("TOKEN", Secret.of(secret))
        .build();
    remote.push(spec, StubCartridge.appFolder(tmp, "vault"), l -> { }).staged()
        .get(10, TimeUnit.SECONDS);
    rc.awaitRunning("vault", 1);

    RestCloud.Answer env = rc.get("/v1/apps/vault/env");
    assertEquals("{\"env\":{\"GREETING\":\"hi\"},\"secret_env\":{\"TOKEN\":\"******\"}}",
        env.body());
    RestCloud.Answer shown = rc.get("/v1/apps/vault/env?show_secrets=true");
    assertTrue(shown.body().contains("\"TOKEN\":\"" + secret + "\""), shown.body());
    for (String path : List.of("/v1/apps", "/v1/apps/vault", "/v1/apps/vault/events",
        "/v1/apps/vault/instances", "/v1/apps/vault/logs", "/v1/apps/vault/droplet")) {
      RestCloud.Answer answer = rc.get(path);
      assertEquals(200, answer.status(), path);
      assertFalse(answer.body().contains(secret), path + " leaks the secret: " + answer.body());
    }
    assertEquals(Map.of("TOKEN", "******"), remote.env("vault", false).secretEnv());
    assertEquals(Map.of("TOKEN", secret), remote.env("vault", true).secretEnv());
    assertEquals(Map.of("GREETING", "hi"), remote.env("vault", false).env());

    App read = remote.get("vault");
    assertEquals("******", read.spec().secretEnv().get("TOKEN").reveal());
    remote.update(read.spec().toBuilder().instances(2).build());
    assertEquals(secret, rc.cloud.controller().get("vault").spec().secretEnv().get("TOKEN")
        .reveal(), "sending back a spec read from the server keeps the stored secret");
    rc.awaitRunning("vault", 2);
    remote.update(read.spec().toBuilder().secretEnv("TOKEN", Secret.of("rotated-value"))
        .build());
    assertEquals("rotated-value", rc.cloud.controller().get("vault").spec().secretEnv()
        .get("TOKEN").reveal(), "a new value replaces it");
  }

  @Test
  void secretValuesAnAppPrintsAreMaskedInTheLogsServed() throws Exception {
    String phrase = "fake container";
    remote.push(spec("echo", 1).secretEnv("PHRASE", Secret.of(phrase)).build(),
        StubCartridge.appFolder(tmp, "echo"), l -> { }).staged().get(10, TimeUnit.SECONDS);
    rc.awaitRunning("echo", 1);
    assertTrue(rc.cloud.controller().logs("echo", 10).get(0).text().startsWith(phrase),
        "the app itself printed the value");
    List<LogEntry> recent = remote.logs("echo", 10);
    assertEquals(1, recent.size(), recent.toString());
    assertTrue(recent.get(0).text().startsWith("****** "), recent.toString());

    BlockingQueue<LogEntry> followed = new LinkedBlockingQueue<>();
    try (AutoCloseable follow = remote.followLogs("echo", followed::add)) {
      rc.awaitOpenFollows(1);
      remote.scale("echo", 2);
      LogEntry line = followed.poll(10, TimeUnit.SECONDS);
      assertNotNull(line, "a line of the new instance");
      assertTrue(line.text().startsWith("****** "), line.text());
    }
  }

  @Test
  void recentLogsAndAFollowedStreamOfNewLines() throws Exception {
    remote.push(spec("talk", 2).build(), StubCartridge.appFolder(tmp, "talk"), l -> { }).staged()
        .get(10, TimeUnit.SECONDS);
    rc.awaitRunning("talk", 2);
    List<LogEntry> recent = remote.logs("talk", 10);
    assertEquals(Set.of(0, 1), recent.stream().map(LogEntry::index).collect(Collectors.toSet()),
        recent.toString());
    assertTrue(recent.stream().allMatch(l -> l.text().startsWith("fake container ")
        && l.source().equals("OUT") && l.appName().equals("talk")), recent.toString());

    BlockingQueue<LogEntry> followed = new LinkedBlockingQueue<>();
    try (AutoCloseable follow = remote.followLogs("talk", followed::add)) {
      rc.awaitOpenFollows(1);
      remote.scale("talk", 3);
      LogEntry line = followed.poll(10, TimeUnit.SECONDS);
      assertNotNull(line, "a line of the new instance");
      assertEquals(2, line.index(), line.toString());
      assertTrue(line.text().startsWith("fake container "), line.text());
    }
    rc.awaitOpenFollows(0);
  }

  @Test
  void aFollowedStreamEndsOnTheServerWhenItsClientVanishes() throws Exception {
    remote.push(spec("quiet", 1).build(), StubCartridge.appFolder(tmp, "quiet"), l -> { }).staged()
        .get(10, TimeUnit.SECONDS);
    rc.awaitRunning("quiet", 1);
    try (Socket socket = new Socket("127.0.0.1", rc.api.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /v1/apps/quiet/logs?follow=true HTTP/1.1\r\nHost: api\r\n"
          + "Authorization: Bearer " + RestCloud.TOKEN.reveal() + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertTrue(head.toLowerCase().contains("content-type: application/x-ndjson"), head);
      rc.awaitOpenFollows(1);
    }
    // The app writes nothing more: only the heartbeat's failed write can tell the client left.
    rc.awaitOpenFollows(0);
  }

  private static String readHead(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @Test
  void infoAndNodes() {
    Map<String, Object> info = remote.info();
    assertEquals("v1", info.get("api_version"));
    assertEquals("test-1", info.get("version"));
    assertEquals("localhost", info.get("domain"));
    assertEquals(RestCloud.UPLOAD_LIMIT, ((Number) info.get("max_upload_bytes")).longValue());
    List<NodeStatus> nodes = remote.nodes();
    assertEquals(List.of("n1", "n2"), nodes.stream().map(NodeStatus::nodeId).toList());
    assertTrue(nodes.stream().allMatch(n -> n.state() == NodeState.ALIVE
        && n.capacity().memory().toString().equals("1G")), nodes.toString());
    assertNotEquals(null, nodes.get(0).lastHeartbeat());
  }

  // ---- archives of the stub app

  private Path zip(String name) throws Exception {
    Path file = tmp.resolve(name + ".zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new ZipEntry(StubCartridge.MARKER));
      zip.write(("serve " + name + "\n").getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return file;
  }

  private Path tar(String name) throws Exception {
    Path file = tmp.resolve(name + ".tar");
    try (OutputStream out = Files.newOutputStream(file)) {
      writeTar(out, name);
    }
    return file;
  }

  private Path tarGz(String name) throws Exception {
    Path file = tmp.resolve(name + ".tar.gz");
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file))) {
      writeTar(out, name);
    }
    return file;
  }

  private static void writeTar(OutputStream out, String name) throws Exception {
    byte[] content = ("serve " + name + "\n").getBytes(StandardCharsets.UTF_8);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      TarArchiveEntry entry = new TarArchiveEntry(StubCartridge.MARKER);
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    }
  }
}
