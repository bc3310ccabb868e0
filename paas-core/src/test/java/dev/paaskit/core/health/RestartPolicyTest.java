package dev.paaskit.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  @Test
  void optionsOutOfRangeAreRefusedNamingTheOptionAndItsValue() {
    Duration m = Duration.ofMinutes(1);
    assertEquals("stableUptime must be positive, not PT0S",
        assertThrows(IllegalArgumentException.class,
            () -> new RestartPolicy(1, m, m, 1, Duration.ZERO)).getMessage());
    assertEquals("maxCrashes must be 1 or more, not 0",
        assertThrows(IllegalArgumentException.class,
            () -> new RestartPolicy(1, m, m, 0, m)).getMessage());
    assertEquals("need 0 <= initialBackoff <= maxBackoff, not PT2M and PT1M",
        assertThrows(IllegalArgumentException.class,
            () -> new RestartPolicy(1, m.multipliedBy(2), m, 1, m)).getMessage());
    assertEquals("startAckTimeout must be positive, not PT-1S",
        assertThrows(IllegalArgumentException.class,
            () -> new HealthOptions(m, 3, m, Duration.ofSeconds(-1), cf, m, 2)).getMessage());
    assertEquals("rolloutTimeout must be positive, not PT0S",
        assertThrows(IllegalArgumentException.class,
            () -> new HealthOptions(m, 3, m, m, cf, Duration.ZERO, 2)).getMessage());
    assertEquals("missedHeartbeats must be 1 or more, not 0",
        assertThrows(IllegalArgumentException.class,
            () -> HealthOptions.DEFAULTS.withHeartbeat(m, 0)).getMessage());
  }
}
