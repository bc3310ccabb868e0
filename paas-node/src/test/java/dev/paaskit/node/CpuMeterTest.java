package dev.paaskit.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuMeterTest {
  private static final long S = 1_000_000_000L;

  @Test
  void percentIsCpuTimeOverWallTimeOfOneCore() {
    assertEquals(20.0, CpuMeter.percent(0, 0, S, 5 * S), 1e-9);
    assertEquals(0.4, CpuMeter.percent(10 * S, 100 * S, 10 * S + 20_000_000L, 105 * S), 1e-9);
    assertEquals(250.0, CpuMeter.percent(S, 0, 6 * S, 2 * S), 1e-9, "busy on several cores");
  }

  @Test
  void noWallTimeOrACountThatWentDownIsZero() {
    assertEquals(0.0, CpuMeter.percent(0, 5 * S, S, 5 * S));
    assertEquals(0.0, CpuMeter.percent(3 * S, 0, 2 * S, 5 * S));
  }

  @Test
  void eachReadingIsComparedWithThePreviousOneAndTheFirstWithTheStart() {
    CpuMeter meter = new CpuMeter();
    assertFalse(meter.started());
    meter.start(100 * S);
    assertTrue(meter.started());

    assertEquals(10.0, meter.read(S / 2, 105 * S), 1e-9, "0.5 s of CPU since the start");
    assertEquals(0.0, meter.read(S, 105 * S), "no wall time: nothing to say, nothing replaced");
    assertEquals(50.0, meter.read(3 * S, 110 * S), 1e-9, "2.5 s since the reading at 105 s");
  }
}
