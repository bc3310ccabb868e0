package dev.paaskit.cartridges.openshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.BlobInfo;
import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.Gear;
import dev.paaskit.api.spi.GearRequest;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.internal.archive.TarGzWriter;
import dev.paaskit.core.internal.container.RecordingBackend;
import dev.paaskit.core.internal.container.RecordingBackend.Run;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class OpenShiftGearsTest {
  private static final String MANIFEST = "Name: demo\nCartridge-Short-Name: DEMO\n"
      + "Version: '2.0'\nCartridge-Version: 0.0.3\nCartridge-Vendor: acme\n"
      + "Endpoints:\n- Private-IP-Name: IP\n  Private-Port-Name: ADMIN_PORT\n  Private-Port: 9000\n"
      + "- Private-IP-Name: IP\n  Private-Port-Name: PORT\n  Private-Port: 8080\n"
      + "  Public-Port-Name: PROXY_PORT\n  Mappings:\n  - Frontend: ''\n    Backend: ''\n";

  private static final ResourceLimits LIMITS = new ResourceLimits(128L << 20, 1L << 30, 1024);

  @TempDir Path tmp;
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final List<Integer> allocated = new CopyOnWriteArrayList<>();
  private final List<Integer> released = new CopyOnWriteArrayList<>();

  private String storeCartridge(Map<String, String> scripts) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "cart-");
    Files.createDirectories(dir.resolve("metadata"));
    Files.writeString(dir.resolve("metadata/manifest.yml"), MANIFEST);
    for (Map.Entry<String, String> s : scripts.entrySet()) {
      Files.createDirectories(dir.resolve(s.getKey()).getParent());
      Files.writeString(dir.resolve(s.getKey()), s.getValue());
      dir.resolve(s.getKey()).toFile().setExecutable(true, false);
    }
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    TarGzWriter.create().write(dir, tgz);
    return blobs.put(new ByteArrayInputStream(tgz.toByteArray())).sha256();
  }

  private Path droplet(String name, String sha256) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("instances").resolve(name));
    Files.createDirectories(home.resolve(OpenShiftCartridge.REPO));
    Files.writeString(home.resolve(OpenShiftCartridge.REPO).resolve("index.txt"), "app");
    new GearPlan("acme", "demo", "0.0.3", "2.0", sha256).write(home);
    return home;
  }

  private GearRequest request(Path home, BlobStore from) {
    GearRequest r = onBackend(home, from, null);
    return new GearRequest(r.dir(), r.appName(), r.appId(), r.instanceId(), r.index(),
        r.address(), r.port(), r.command(), r.env(), r.blobs(), r.ports(), r.output());
  }

  /** A request whose scripts run on {@code backend}, or as host processes when it is null. */
  private GearRequest onBackend(Path home, BlobStore from, ContainerBackend backend) {
    return new GearRequest(home, "shop", "app-1234", "inst-5678", 0, "127.0.0.1", 61000,
        GearPlan.COMMAND, Map.of("PATH", System.getenv("PATH"), "SECRET", "s"), from,
        new GearRequest.PortSource() {
          int next = 62000;

          @Override
          public synchronized int allocate() {
            allocated.add(next);
            return next++;
          }

          @Override
          public void release(int port) {
            released.add(port);
          }
        }, output::add, Optional.ofNullable(backend), LIMITS);
  }

  @Test
  void anInstanceWithoutAPlanRunsAsStaged() throws IOException {
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"));
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    assertEquals(Optional.empty(), gears.prepare(request(plain, blobs)));
    assertEquals(List.of(), gears.repository().list());
  }

  @Test
  void preparesTheGearWithTheOpenShiftEnvironmentAndProtocolLines() throws IOException {
    Path record = tmp.resolve("teardown-ran");
    String sha = storeCartridge(Map.of(
        "bin/control", "#!/bin/sh\necho \"control $1 sees $DEMO_FLAVOUR\"\n",
        "bin/setup", "#!/bin/sh\necho \"setup $1 $2\"\necho 'ENV_VAR_ADD: DEMO_FLAVOUR=mint'\n"
            + "echo 'ENV_VAR_ADD: not a pair'\n",
        "bin/install", "#!/bin/sh\necho \"install sees $DEMO_FLAVOUR in $PWD\"\n"
            + "echo \"CART_DATA: admin=$OPENSHIFT_DEMO_IP:$OPENSHIFT_DEMO_ADMIN_PORT\"\n",
        "bin/teardown", "#!/bin/sh\necho \"$OPENSHIFT_GEAR_UUID\" > " + record + "\n"));
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"));
    Path home = droplet("a", sha);

    Gear gear = gears.prepare(request(home, blobs)).orElseThrow();

    Map<String, String> env = gear.env();
    assertEquals(GearPlan.COMMAND, gear.command());
    assertEquals("shop", env.get("OPENSHIFT_APP_NAME"));
    assertEquals("app1234", env.get("OPENSHIFT_APP_UUID"));
    assertEquals("inst5678", env.get("OPENSHIFT_GEAR_UUID"));
    assertEquals(home + "/", env.get("OPENSHIFT_HOMEDIR"));
    assertEquals(home + "/app-root/repo/", env.get("OPENSHIFT_REPO_DIR"));
    assertEquals(home + "/app-root/data/", env.get("OPENSHIFT_DATA_DIR"));
    assertEquals(home + "/.tmp/", env.get("OPENSHIFT_TMP_DIR"));
    assertEquals(home + "/demo/", env.get("OPENSHIFT_DEMO_DIR"));
    assertEquals("127.0.0.1", env.get("OPENSHIFT_DEMO_IP"));
    assertEquals("61000", env.get("OPENSHIFT_DEMO_PORT"), "the routed endpoint has the instance's port");
    assertEquals("61000", env.get("OPENSHIFT_DEMO_PROXY_PORT"));
    assertEquals("62000", env.get("OPENSHIFT_DEMO_ADMIN_PORT"));
    assertEquals("mint", env.get("DEMO_FLAVOUR"));
    assertEquals("s", env.get("SECRET"));
    assertFalse(env.containsKey("not a pair"));
    assertTrue(output.containsAll(List.of("setup --version 2.0", "install sees mint in " + home,
        "control build sees mint", "control deploy sees mint", "cartridge data: admin=127.0.0.1:62000",
        "ignored (not NAME=value): ENV_VAR_ADD: not a pair", "ENV_VAR_ADD: DEMO_FLAVOUR=******")),
        output.toString());
    assertFalse(output.stream().anyMatch(l -> l.contains("mint") && l.contains("ENV_VAR_ADD")),
        "values added to the environment stay out of the log: " + output);
    assertEquals("admin=127.0.0.1:62000\n", Files.readString(home.resolve(OpenShiftGears.CART_DATA)));
    assertEquals("mint", Files.readString(home.resolve(".env/DEMO_FLAVOUR")));
    assertTrue(Files.isRegularFile(home.resolve(GearPlan.SUPERVISOR)));
    assertTrue(Files.isExecutable(home.resolve("demo/bin/control")));
    assertEquals(sha + "\n", Files.readString(tmp.resolve("repo/acme/demo/0.0.3/"
        + OpenShiftGears.BLOB_MARKER)));

    gear.teardown().run();
    assertEquals("inst5678\n", Files.readString(record));
    assertEquals(List.of(62000), released);
  }

  @Test
  void aNodeWithoutGearSetupSaysWhatItLacks() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("no-gears"));
    Process p = new ProcessBuilder("/bin/sh", "-c", GearPlan.COMMAND).directory(plain.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());

    assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(1, p.exitValue());
    assertTrue(out.contains("needs a node with gear setup (NodeAgent.Builder.gears)"), out);
  }

  @Test
  void aFailingSetupFailsWithItsOutputAndGivesItsPortsBack() throws IOException {
    String sha = storeCartridge(Map.of("bin/control", "#!/bin/sh\n",
        "bin/setup", "#!/bin/sh\necho 'no compiler here' >&2\nexit 3\n"));
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"));

    IOException e = assertThrows(IOException.class,
        () -> gears.prepare(request(droplet("b", sha), blobs)));

    assertEquals("bin/setup failed with exit status 3: no compiler here", e.getMessage());
    assertEquals(allocated, released);
    assertFalse(allocated.isEmpty());
  }

  @Test
  void aBlobThatIsNotWhatThePlanNamesIsRefusedAndNothingInstalled() throws IOException {
    String sha = storeCartridge(Map.of("bin/control", "#!/bin/sh\n"));
    BlobStore lying = new BlobStore() {
      @Override
      public BlobInfo put(InputStream content) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Optional<InputStream> open(String sha256) {
        return Optional.of(new ByteArrayInputStream(new byte[] {1, 2, 3}));
      }

      @Override
      public Optional<BlobInfo> stat(String sha256) {
        return Optional.empty();
      }

      @Override
      public boolean delete(String sha256) {
        return false;
      }
    };
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"));

    IOException e = assertThrows(IOException.class,
        () -> gears.prepare(request(droplet("c", sha), lying)));

    assertTrue(e.getMessage().contains("arrived with sha256"), e.getMessage());
    assertEquals(List.of(), gears.repository().list());
    try (var left = Files.list(tmp.resolve("repo"))) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void otherFilesUnderTheSameVersionReplaceTheInstalledOnes() throws IOException {
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"), Duration.ofSeconds(60),
        Duration.ofMillis(200));
    String first = storeCartridge(Map.of("bin/control", "#!/bin/sh\necho one\n"));
    gears.prepare(request(droplet("d", first), blobs)).orElseThrow();
    String second = storeCartridge(Map.of("bin/control", "#!/bin/sh\necho two\n"));

    gears.prepare(request(droplet("e", second), blobs)).orElseThrow();

    assertEquals("#!/bin/sh\necho two\n",
        Files.readString(tmp.resolve("repo/acme/demo/0.0.3/bin/control")));
    assertEquals(1, gears.repository().list().size());
    assertTrue(new ArrayList<>(output).contains("two"), output.toString());
  }

  @Test
  void theCartridgesScriptsRunAsContainersOfTheNodesBackend() throws IOException {
    String sha = storeCartridge(Map.of("bin/control", "#!/bin/sh\n", "bin/setup", "#!/bin/sh\n",
        "bin/install", "#!/bin/sh\n", "bin/teardown", "#!/bin/sh\n"));
    RecordingBackend backend = new RecordingBackend(spec -> spec.command().contains("bin/setup")
        ? Run.exits(0, "ENV_VAR_ADD: DEMO_FLAVOUR=mint") : Run.exits(0, "done"));
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"));
    Path home = droplet("f", sha);

    Gear gear = gears.prepare(onBackend(home, blobs, backend)).orElseThrow();
    gear.teardown().run();

    List<ContainerSpec> specs = backend.specs();
    Path cart = home.resolve("demo/bin");
    assertEquals(List.of("exec 2>&1\nexec '" + cart + "/setup' '--version' '2.0'",
        "exec 2>&1\nexec '" + cart + "/install' '--version' '2.0'",
        "exec 2>&1\nexec '" + cart + "/control' 'build'",
        "exec 2>&1\nexec '" + cart + "/control' 'deploy'",
        "exec 2>&1\nexec '" + cart + "/teardown'"),
        specs.stream().map(ContainerSpec::command).toList());
    Map<String, String> before = new LinkedHashMap<>(gear.env());
    before.remove("DEMO_FLAVOUR");
    assertEquals(before, specs.get(0).env(), "setup gets exactly the gear's environment");
    for (ContainerSpec spec : specs.subList(1, specs.size())) {
      assertEquals(gear.env(), spec.env(), "what setup added reaches the later steps");
    }
    for (ContainerSpec spec : specs) {
      assertEquals(home, spec.workDir());
      assertEquals(LIMITS, spec.limits());
      assertEquals(List.of(), spec.mounts(), "the cartridge's copy is in the gear's home");
    }
    List<String> calls = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      calls.addAll(List.of("create #" + i, "start #" + i, "remove #" + i));
    }
    assertEquals(calls, backend.callsByIndex());
    assertEquals("mint", gear.env().get("DEMO_FLAVOUR"));
    assertTrue(output.contains("ENV_VAR_ADD: DEMO_FLAVOUR=******"), output.toString());
  }

  @Test
  void aScriptOutlivingTheStepTimeoutIsStoppedAndRemovedAndGivesItsPortsBack()
      throws IOException {
    String sha = storeCartridge(Map.of("bin/control", "#!/bin/sh\n", "bin/setup", "#!/bin/sh\n"));
    RecordingBackend backend = new RecordingBackend(spec -> Run.hangs("compiling"));
    OpenShiftGears gears = OpenShiftGears.create(tmp.resolve("repo"), Duration.ofNanos(1),
        Duration.ofSeconds(1));

    IOException e = assertThrows(IOException.class,
        () -> gears.prepare(onBackend(droplet("g", sha), blobs, backend)));

    assertEquals("bin/setup did not finish within 0 s", e.getMessage());
    assertEquals(List.of("create #0", "start #0", "stop #0 PT0S", "remove #0"),
        backend.callsByIndex());
    assertEquals(allocated, released);
  }
}
