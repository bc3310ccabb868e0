package dev.paaskit.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private final RestartPolicy cf = RestartPolicy.CLOUD_FOUNDRY;

  @Test
  void threeImmediateRestartsThenDoublingFromThirtySeconds() {
    assertEquals(Duration.ZERO, cf.delayAfter(1));
    assertEquals(Duration.ZERO, cf.delayAfter(3));
    assertEquals(Duration.ofSeconds(30), cf.delayAfter(4));
    assertEquals(Duration.ofSeconds(60), cf.delayAfter(5));
    assertEquals(Duration.ofSeconds(120), cf.delayAfter(6));
  }

  @Test
  void backOffIsCappedAtSixteenMinutes() {
    assertEquals(Duration.ofMinutes(16), cf.delayAfter(9));
    assertEquals(Duration.ofMinutes(16), cf.delayAfter(150));
  }

  @Test
  void givesUpAfterTwoHundredCrashesInARow() {
    assertFalse(cf.givesUpAfter(199));
    assertTrue(cf.givesUpAfter(200));
  }
}
