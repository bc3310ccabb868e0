package dev.paaskit.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.paaskit.api.spi.Message;
import dev.paaskit.core.bus.InProcessBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PartitionableBusTest {
  private static final Function<String, byte[]> UTF = s -> s.getBytes(UTF_8);

  private final VirtualClock clock = VirtualClock.create();
  private final InProcessBus shared = InProcessBus.create(Runnable::run, clock);

  @Test
  void objectsPassThroughAsThemselvesWhileConnected() throws Exception {
    PartitionableBus node = PartitionableBus.over(shared);
    List<Message> seen = new ArrayList<>();
    shared.subscribe("objects", seen::add);
    String payload = "hello";
    node.publish("objects", payload, UTF);
    assertEquals(1, seen.size());
    assertSame(payload, seen.get(0).payload(String.class).orElseThrow());

    shared.subscribe("ask", m -> shared.reply(m, "answer", UTF));
    Message reply = node.request("ask", "question", UTF, Duration.ofSeconds(1)).get(1, TimeUnit.SECONDS);
    assertEquals("answer", reply.payload(String.class).orElseThrow());
  }

  @Test
  void aCutNodeLosesObjectsAndItsObjectRequestsTimeOut() {
    PartitionableBus node = PartitionableBus.over(shared);
    List<Message> seen = new ArrayList<>();
    shared.subscribe("objects", seen::add);
    shared.subscribe("ask", m -> shared.reply(m, "answer", UTF));
    node.cut();
    node.publish("objects", "lost", UTF);
    assertEquals(List.of(), seen);
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> node.request("ask", "question", UTF, Duration.ofSeconds(1)).get(1, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, failed.getCause());
  }
}
