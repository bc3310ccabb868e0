package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.nats.JetStreamKvStore;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.testing.NatsServer;
import io.nats.client.Connection;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JetStream KV store on a real nats-server, a fresh bucket per test. */
class JetStreamKvStoreContractTest extends StateStoreContract {
  private static final AtomicInteger buckets = new AtomicInteger();
  private static NatsServer server;
  private static Connection connection;

  @BeforeAll
  static void startServer() throws IOException {
    server = NatsServer.start();
    connection = NatsSettings.of(server.url()).connect();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    connection.close();
    server.close();
  }

  @Override
  protected StateStore newStore() throws IOException {
    return JetStreamKvStore.open(connection, "contract-" + buckets.incrementAndGet());
  }
}
