package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.testing.NatsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --roles} and the {@code --nats*} options: what is refused, and how it is said. */
@Timeout(30)
class ServeRolesOptionsTest {
  @TempDir Path tmp;

  private String refused(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] argv = new String[args.length + 3];
    argv[0] = "serve";
    System.arraycopy(args, 0, argv, 1, args.length);
    argv[args.length + 1] = "--data";
    argv[args.length + 2] = tmp.resolve("data").toString();
    int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertEquals(2, code, "refused: " + out + err);
    assertFalse(Files.exists(tmp.resolve("data").resolve("admin-token")), "nothing was started");
    return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
  }

  @Test
  void rolesAreParsedAndTheControllerStagerAndHealthManagerGoTogether() throws Exception {
    assertEquals(ServeRoles.ALL, ServeRoles.parse("all"));
    assertEquals(new ServeRoles(EnumSet.allOf(ServeRoles.Name.class), false),
        ServeRoles.parse("controller, stager,health,router"));
    ServeRoles node = ServeRoles.parse("node");
    assertTrue(node.nodes() && node.core().isEmpty() && !node.controller() && !node.isAll());
    assertEquals("controller,stager,health,node",
        ServeRoles.parse("node,health,stager,controller").toString());
    Args.UsageException e = assertThrows(Args.UsageException.class,
        () -> ServeRoles.parse("controller,router"));
    assertEquals("--roles controller,router: the controller, stager and health manager run together,"
        + " but the roles are controller,router", e.getMessage());
    assertEquals("--roles: unknown role 'nodes'; the roles are controller, stager, health, router,"
        + " node and all",
        assertThrows(Args.UsageException.class, () -> ServeRoles.parse("nodes")).getMessage());
  }

  @Test
  void rolesOtherThanAllNeedNatsAndNodeOptionsNeedTheNodeRole() throws Exception {
    assertEquals("paaskit serve: --roles node needs --nats: without it this process is the whole"
        + " cloud", refused("--roles", "node"));
    assertEquals("paaskit serve: --node-id needs the node role; --roles is"
        + " controller,stager,health,router", refused("--nats", "nats://127.0.0.1:1", "--roles",
            "controller,stager,health,router", "--node-id", "x"));
    assertEquals("paaskit serve: --node-id: node id must be a DNS label: Not_A_Label (1 to 63"
        + " lower-case letters, digits and '-')",
        refused("--nats", "nats://127.0.0.1:1", "--roles", "node", "--node-id", "Not_A_Label"));
    assertEquals("paaskit serve: --api-port needs the controller role; --roles is node",
        refused("--nats", "nats://127.0.0.1:1", "--roles", "node", "--api-port", "0"));
    assertEquals("paaskit serve: --router-port needs the router role; --roles is node",
        refused("--nats", "nats://127.0.0.1:1", "--roles", "node", "--router-port", "0"));
    assertEquals("paaskit serve: --nats-token-file needs --nats",
        refused("--nats-token-file", "t"));
  }

  @Test
  void secretsComeFromFilesAndNeverShowInAnError() throws Exception {
    Path password = Files.writeString(tmp.resolve("password"), "hunter2-secret\n");
    Path token = Files.writeString(tmp.resolve("token"), "t0ken-secret\n");
    String twoKinds = refused("--nats", "nats://127.0.0.1:1", "--roles", "node",
        "--nats-user", "paaskit", "--nats-password-file", password.toString(),
        "--nats-token-file", token.toString());
    assertEquals("paaskit serve: give one kind of NATS credential: --nats-user with"
        + " --nats-password-file, --nats-token-file, --nats-nkey-file or --nats-creds", twoKinds);
    assertEquals("paaskit serve: --nats-user and --nats-password-file go together",
        refused("--nats", "nats://127.0.0.1:1", "--roles", "node", "--nats-user", "paaskit"));
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertEquals("paaskit serve: --nats-token-file: " + empty + " is empty",
        refused("--nats", "nats://127.0.0.1:1", "--roles", "node", "--nats-token-file",
            empty.toString()));
    String inUrl = refused("--nats", "nats://paaskit:hunter2@127.0.0.1:1", "--roles", "node");
    assertEquals("paaskit serve: --nats: server URL 1 carries credentials: pass them as"
        + " userPassword, token, nkeySeed or credsFile, never in a URL", inUrl);
    assertFalse((twoKinds + inUrl).contains("hunter2") || twoKinds.contains("t0ken"));
  }

  @Test
  void anUnreachableServerIsSaidInOneLine() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path password = Files.writeString(tmp.resolve("password"), "hunter2-secret\n");
    int code = Main.run(new String[] {"serve", "--nats", "nats://127.0.0.1:1", "--roles", "node",
        "--nats-user", "paaskit", "--nats-password-file", password.toString(),
        "--data", tmp.resolve("node").toString()},
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertEquals(1, code);
    assertEquals("paaskit serve: cannot connect to NATS at [nats://127.0.0.1:1] as user paaskit:"
        + " IOException (Unable to connect to NATS servers: [nats://127.0.0.1:1])",
        err.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void credentialsFromFilesReachAnAuthenticatingServerAndNeverItsOutput() throws Exception {
    Path password = Files.writeString(tmp.resolve("password"), "hunter2-secret\n");
    try (NatsServer nats = NatsServer.builder().userPassword("paaskit", "hunter2-secret").start();
        ServeProcess node = ServeProcess.launch(List.of("--nats", nats.url(), "--roles", "node",
            "--node-id", "n7", "--nats-user", "paaskit", "--nats-password-file",
            password.toString(), "--data", tmp.resolve("node").toString())).awaitReady()) {
      assertTrue(node.output().contains("nodes: n7"), String.join("\n", node.output()));
      assertTrue(node.output().contains("nats: " + nats.url()
          + " (state in bucket paaskit, blobs in paaskit-blobs)"), String.join("\n", node.output()));
      assertFalse(String.join("\n", node.output()).contains("hunter2"));
    }
  }

  @Test
  void aTlsCaIsReadFromPemAndAnythingElseIsRefused() throws Exception {
    Path store = tmp.resolve("ca.p12");
    Path pem = tmp.resolve("ca.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-keystore", store.toString(), "-storepass", "changeit",
        "-alias", "ca", "-keyalg", "EC", "-dname", "CN=paaskit-test-ca", "-validity", "1");
    run(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storepass", "changeit",
        "-alias", "ca", "-file", pem.toString());
    Args args = Args.parse(new String[] {"--nats", "tls://127.0.0.1:1", "--nats-tls-ca",
        pem.toString()}, NatsFlags.OPTIONS, Set.of(), NatsFlags.SWITCHES, 0);
    assertTrue(NatsFlags.settings(args, "test").orElseThrow().sslContext().isPresent());

    Path notPem = Files.writeString(tmp.resolve("not.pem"), "not a certificate\n");
    Args bad = Args.parse(new String[] {"--nats", "tls://127.0.0.1:1", "--nats-tls-ca",
        notPem.toString()}, NatsFlags.OPTIONS, Set.of(), NatsFlags.SWITCHES, 0);
    Args.UsageException e = assertThrows(Args.UsageException.class,
        () -> NatsFlags.settings(bad, "test"));
    assertTrue(e.getMessage().startsWith("--nats"), e.getMessage());
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "keytool finished");
    assertEquals(0, p.exitValue(), output);
  }

  @Test
  void theDefaultNodeIdIsADnsLabelStableForOneDataFolder() {
    String id = Serve.defaultNodeId(Path.of("/srv/paaskit"));
    assertTrue(id.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), id);
    assertEquals(id, Serve.defaultNodeId(Path.of("/srv/paaskit")));
    assertFalse(id.equals(Serve.defaultNodeId(Path.of("/srv/other"))));
  }
}
