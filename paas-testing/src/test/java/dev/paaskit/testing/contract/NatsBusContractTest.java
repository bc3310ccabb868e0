package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.testing.NatsServer;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** NatsBus on a real nats-server, each bus on its own connection, held to the full bus contract. */
class NatsBusContractTest extends MessageBusContract {
  private static NatsServer server;

  private final SystemClock clock = SystemClock.create("nats-bus-contract");

  @BeforeAll
  static void startServer() throws IOException {
    server = NatsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected MessageBus newBus() throws IOException {
    return NatsBus.connect(NatsSettings.of(server.url()), clock);
  }

  @AfterEach
  void stopClock() {
    clock.close();
  }
}
