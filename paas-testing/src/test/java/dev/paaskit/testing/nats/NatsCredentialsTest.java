package dev.paaskit.testing.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.Secret;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Options;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Credentials reach the server and nothing else: not toString, not exception messages. */
@Timeout(60)
class NatsCredentialsTest {
  private static final String PASSWORD = "pw-7f3a9c1e";
  private static final String TOKEN = "tok-51b2d8aa";

  @Test
  void userAndPasswordLogInAndAWrongPasswordFailsWithoutShowingIt() throws Exception {
    try (NatsServer server = NatsServer.builder().userPassword("paaskit", PASSWORD).start()) {
      NatsSettings good = NatsSettings.builder(server.url())
          .userPassword("paaskit", Secret.of(PASSWORD)).maxReconnects(0).build();
      try (Connection connection = good.connect()) {
        assertEquals(Connection.Status.CONNECTED, connection.getStatus());
      }

      String wrong = "wrong-" + PASSWORD;
      NatsSettings refused = NatsSettings.builder(server.url())
          .userPassword("paaskit", Secret.of(wrong)).maxReconnects(0)
          .connectTimeout(Duration.ofSeconds(1)).build();
      PrintStream stderr = System.err;
      ByteArrayOutputStream logged = new ByteArrayOutputStream();
      IOException e;
      System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
      try {
        e = assertThrows(IOException.class, refused::connect);
      } finally {
        System.setErr(stderr);
      }
      String log = logged.toString(StandardCharsets.UTF_8);
      assertTrue(log.contains("Authorization Violation"), "the refusal is logged: " + log);
      assertNoSecret(log, PASSWORD, wrong);
      assertTrue(e.getMessage().contains("paaskit"), "names the user: " + e.getMessage());
      assertNoSecret(e, PASSWORD, wrong);
      assertNoSecret(good.toString(), PASSWORD);
      assertNoSecret(good.toOptions().toString(), PASSWORD);
    }
  }

  @Test
  void aTokenLogsInAndAWrongOneFailsWithoutShowingIt() throws Exception {
    try (NatsServer server = NatsServer.builder().token(TOKEN).start()) {
      NatsSettings good = NatsSettings.builder(server.url()).token(Secret.of(TOKEN)).maxReconnects(0).build();
      try (Connection connection = good.connect()) {
        assertEquals(Connection.Status.CONNECTED, connection.getStatus());
      }
      NatsSettings bad = NatsSettings.builder(server.url()).token(Secret.of("x" + TOKEN))
          .maxReconnects(0).connectTimeout(Duration.ofSeconds(1)).build();
      IOException e = assertThrows(IOException.class, bad::connect);
      assertNoSecret(e, TOKEN);
      assertNoSecret(good.toString(), TOKEN);
    }
  }

  @Test
  void noCredentialAppearsInToStringWhateverItsKind() throws Exception {
    String seed = new String(NKey.createUser(null).getSeed());
    NatsSettings nkey = NatsSettings.builder("nats://127.0.0.1:4222").nkeySeed(Secret.of(seed)).build();
    assertNoSecret(nkey.toString(), seed);
    assertTrue(nkey.toString().contains("nkey"), nkey.toString());
    Options options = nkey.toOptions();
    assertTrue(options.getAuthHandler() != null, "the seed signs the server's nonce");

    NatsSettings creds = NatsSettings.builder("nats://127.0.0.1:4222").credsFile(Path.of("/etc/paaskit/node.creds")).build();
    assertTrue(creds.toString().contains("node.creds"), creds.toString());
  }

  @Test
  void aUrlCarryingCredentialsIsRefusedWithoutRepeatingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NatsSettings.of("nats://paaskit:" + PASSWORD + "@127.0.0.1:4222"));
    assertNoSecret(e, PASSWORD);
    assertTrue(e.getMessage().contains("credentials"), e.getMessage());
  }

  @Test
  void settingsAreCheckedWhenBuilt() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> NatsSettings.of());
    assertThrows(IllegalArgumentException.class, () -> NatsSettings.of("http://127.0.0.1:4222"));
    assertThrows(IllegalStateException.class, () -> NatsSettings.builder("nats://h:1")
        .token(Secret.of(TOKEN)).userPassword("u", Secret.of(PASSWORD)));
    assertThrows(IllegalArgumentException.class,
        () -> NatsSettings.builder("nats://h:1").reconnectBufferBytes(-1).build());
    NatsSettings tls = NatsSettings.builder("tls://127.0.0.1:4222").tls(SSLContext.getDefault())
        .connectionName("node-1").reconnectBufferBytes(1024).build();
    Options options = tls.toOptions();
    assertTrue(options.getSslContext() != null);
    assertEquals("node-1", options.getConnectionName());
    assertEquals(1024, options.getReconnectBufferSize());
    assertEquals(tls, tls.toBuilder().build());
  }

  private static void assertNoSecret(Throwable thrown, String... secrets) {
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertNoSecret(trace.toString(), secrets);
  }

  private static void assertNoSecret(String text, String... secrets) {
    for (String secret : secrets) {
      assertFalse(text.contains(secret), "a credential shows in: " + text);
      assertFalse(text.contains(secret.substring(3)), "part of a credential shows in: " + text);
    }
  }
}
