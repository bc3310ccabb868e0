package dev.paaskit.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the shared engine does beyond the SPI contract (which paas-testing checks). */
@Timeout(30)
class InMemoryStateStoreTest {
  private final StateStore store = new InMemoryStateStore();

  @Test
  void aListenerThatThrowsNeitherFailsTheWriteNorStopsAnyDelivery() {
    List<Long> seen = new ArrayList<>();
    store.watch("", event -> {
      throw new IllegalStateException("listener bug on " + event);
    });
    store.watch("", event -> seen.add(event.revision()));

    assertEquals(1, store.put("a", bytes("1")));
    assertEquals(2, store.put("b", bytes("2")));
    assertEquals(List.of(1L, 2L), seen);
  }

  @Test
  void aListenerThatWritesGetsItsOwnChangeAfterTheCurrentOne() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    CountDownLatch reacted = new CountDownLatch(1);
    store.watch("", event -> {
      seen.add(event.kind() + " " + event.key() + "@" + event.revision());
      if (event.key().equals("order")) {
        store.put("reaction", bytes("to " + event.revision()));
        seen.add("wrote reaction");
      } else {
        reacted.countDown();
      }
    });

    store.put("order", bytes("1"));
    assertTrue(reacted.await(10, TimeUnit.SECONDS));
    assertEquals(List.of("PUT order@1", "wrote reaction", "PUT reaction@2"), seen,
        "one event at a time, in revision order, even when a listener writes");
  }

  @Test
  void aWatchClosedByItsOwnListenerGetsNothingMore() {
    List<Long> seen = new ArrayList<>();
    AtomicReference<StateStore.Watch> watch = new AtomicReference<>();
    watch.set(store.watch("", event -> {
      seen.add(event.revision());
      watch.get().close();
    }));

    store.put("a", bytes("1"));
    store.put("b", bytes("2"));
    assertEquals(List.of(1L), seen);
  }

  @Test
  void anInvalidKeyIsNamedInTheError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> store.put("apps/my app", bytes("v")));
    assertEquals("invalid key \"apps/my app\": character ' ' at index 7 is not one of"
        + " [-/_=.a-zA-Z0-9]", e.getMessage());
  }

  @Test
  void eventsCarryTheirKindKeyValueAndRevision() {
    List<WatchEvent> seen = new ArrayList<>();
    store.watch("k", seen::add);
    store.put("k", bytes("v"));
    store.delete("k");

    assertEquals(WatchEvent.Kind.PUT, seen.get(0).kind());
    assertEquals("v", new String(seen.get(0).value(), StandardCharsets.UTF_8));
    assertEquals(WatchEvent.Kind.DELETE, seen.get(1).kind());
    assertEquals(0, seen.get(1).value().length);
    assertEquals(2, seen.get(1).revision());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
