package dev.paaskit.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NodeState;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FilterResult} and {@link NodeFilter#of}: reasons, details worded on demand, names. */
@Timeout(10)
class FilterResultTest {
  private static final PlacementRequest REQUEST =
      PlacementRequest.of("web", 0, 1L << 30, 1L << 30).withZones(Set.of("eu"));
  private static final NodeCandidate US = new NodeCandidate("n2", NodeState.ALIVE, "us", "",
      Set.of("gpu"), 0, 0, 0, 1, 0, 0, 0);

  @Test
  void acceptedIsOneInstanceWithoutAReason() {
    assertSame(FilterResult.accepted(), FilterResult.accepted());
    assertTrue(FilterResult.accepted().isAccepted());
    assertEquals("", FilterResult.accepted().reason());
    assertEquals("", FilterResult.accepted().detail(REQUEST, US));
    assertEquals("accepted", FilterResult.accepted().toString());
  }

  @Test
  void aRefusalWithoutDetailWordsItsReason() {
    FilterResult r = FilterResult.refused("in the wrong zone");
    assertFalse(r.isAccepted());
    assertEquals("in the wrong zone", r.reason());
    assertEquals("in the wrong zone", r.detail(REQUEST, US));
    assertEquals("refused: in the wrong zone", r.toString());
    assertEquals(r, FilterResult.refused("in the wrong zone"));
    assertNotEquals(r, FilterResult.refused("short of memory"));
    assertNotEquals(r, FilterResult.accepted());
  }

  @Test
  void aDetailIsWordedOnlyWhenAskedForFromTheRequestAndNode() {
    AtomicInteger worded = new AtomicInteger();
    FilterResult r = FilterResult.refused("in the wrong zone", (request, node) -> {
      worded.incrementAndGet();
      return "zone " + node.zone() + " not in " + request.zones();
    });
    assertEquals(0, worded.get());
    assertEquals("in the wrong zone", r.reason());
    assertEquals(0, worded.get(), "the reason needs no detail");
    assertEquals("zone us not in [eu]", r.detail(REQUEST, US));
    assertEquals(1, worded.get());
  }

  @Test
  void aRefusalNeedsAReason() {
    assertThrows(NullPointerException.class, () -> FilterResult.refused(null));
    assertEquals("a refusal needs a reason, got ' '",
        assertThrows(IllegalArgumentException.class, () -> FilterResult.refused(" "))
            .getMessage());
    assertThrows(NullPointerException.class, () -> FilterResult.refused("x", null));
  }

  @Test
  void aPredicateFilterRefusesWithItsConstantRefusalAndIsNamedByIt() {
    FilterResult noGpu = FilterResult.refused("without a GPU", (r, n) -> "tags " + n.tags());
    NodeFilter gpu = NodeFilter.of(noGpu, (r, n) -> n.tags().contains("gpu"));
    assertSame(FilterResult.accepted(), gpu.evaluate(REQUEST, US));
    NodeCandidate plain = new NodeCandidate("n3", NodeState.ALIVE, "eu", "", Set.of("ssd"), 0, 0,
        0, 1, 0, 0, 0);
    assertSame(noGpu, gpu.evaluate(REQUEST, plain));
    assertEquals("tags [ssd]", gpu.evaluate(REQUEST, plain).detail(REQUEST, plain));
    assertEquals("without a GPU", gpu.name());

    NodeFilter byText = NodeFilter.of("outside the EU", (r, n) -> n.zone().equals("eu"));
    assertEquals(FilterResult.refused("outside the EU"), byText.evaluate(REQUEST, US));
    assertEquals("outside the EU", byText.name());
    assertThrows(IllegalArgumentException.class,
        () -> NodeFilter.of(FilterResult.accepted(), (r, n) -> true));
  }

  @Test
  void aLambdaFilterIsNamedByItsClass() {
    NodeFilter lambda = (r, n) -> FilterResult.accepted();
    assertTrue(lambda.name().startsWith(FilterResultTest.class.getName()), lambda.name());
  }
}
