package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.core.bus.InProcessBus;
import dev.paaskit.core.time.SystemClock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/** The in-process bus on a real pool and the real clock, held to the full bus contract. */
class InProcessBusContractTest extends MessageBusContract {
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService executor = Executors.newFixedThreadPool(4, task -> {
    Thread thread = new Thread(task, "bus-contract-" + threads.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });
  private final SystemClock clock = SystemClock.create("bus-contract");

  @Override
  protected MessageBus newBus() {
    return InProcessBus.create(executor, clock);
  }

  @AfterEach
  void stopExecutorAndClock() throws InterruptedException {
    clock.close();
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS), "a handler did not stop");
  }
}
