package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NatsServerTest {
  @Test
  void restartsOnTheSamePortWithTheSameJetStreamDataAndCleansUp() throws Exception {
    Path home;
    try (NatsServer server = NatsServer.start()) {
      home = server.storeDir().getParent();
      int port = server.port();
      assertTrue(server.isRunning());
      try (Connection connection = connect(server)) {
        connection.keyValueManagement().create(
            io.nats.client.api.KeyValueConfiguration.builder().name("kept").build());
        connection.keyValue("kept").put("k", "v".getBytes());
      }

      server.stop();
      assertFalse(server.isRunning());
      assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(),
          "the port still answers after stop");
      server.restart();

      assertEquals(port, server.port());
      try (Connection connection = connect(server)) {
        assertEquals("v", new String(connection.keyValue("kept").get("k").getValue()));
        assertTrue(connection.getServerInfo().isJetStreamAvailable());
        assertTrue(connection.getMaxPayload() > (1 << 20), "max_payload fits a 1 MiB value");
      }
    }
    assertFalse(Files.exists(home), "close() leaves " + home);
  }

  @Test
  void aMissingExecutableFailsSayingHowToInstallIt(@TempDir Path empty) {
    assertEquals(java.util.Optional.empty(), NatsServer.findExecutable(List.of(empty)));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> NatsServer.builder().executable(empty.resolve("nats-server")).start());
    assertTrue(e.getMessage().contains("./paaskit test"), e.getMessage());
  }

  @Test
  void theExecutableIsFoundOnThePathBeforeUsrSbin(@TempDir Path bin) throws IOException {
    Path fake = Files.createFile(bin.resolve("nats-server"));
    assertTrue(fake.toFile().setExecutable(true));
    assertEquals(java.util.Optional.of(fake),
        NatsServer.findExecutable(NatsServer.searchPath(bin.toString())));
    assertEquals(Path.of("/usr/sbin"), NatsServer.searchPath("").get(0));
  }

  private static Connection connect(NatsServer server) throws Exception {
    return Nats.connect(new Options.Builder().server(server.url()).maxReconnects(0).build());
  }
}
