package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.CrashInfo;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code paaskit app} shows its instances as {@code cf app} does. */
class InstanceTableTest {
  private static final Instant SINCE = Instant.parse("2026-12-07T10:00:00.123Z");

  @Test
  void eachInstanceWithItsCpuMemoryAndDiskBesideTheirLimitsAndWhyItCrashed() {
    InstanceStatus running = new InstanceStatus("a", "web", 0, "n1", "d", InstanceState.RUNNING,
        "127.0.0.1", 61000, SINCE, Optional.empty(), 1, Optional.of(new InstanceUsage(0.4,
            29L << 20, 128L << 20, 12L << 20, 64L << 20, SINCE.plusSeconds(5))));
    InstanceStatus crashed = new InstanceStatus("b", "web", 1, "n2", "d", InstanceState.CRASHED,
        "127.0.0.1", 61001, SINCE.plusSeconds(3), Optional.of(new CrashInfo(137, 9, true,
            "out of memory: limit 128M", List.of())), 1);

    // The app's spec now asks for more: a sampled instance shows the limits it runs with.
    List<String> lines = InstanceTable.lines(List.of(running, crashed),
        ByteSize.parse("memory", "256M"), ByteSize.parse("disk", "1G"));

    assertEquals(List.of(
        "     state     since                  cpu    memory        disk         node   details",
        "#0   running   2026-12-07T10:00:00Z   0.4%   29M of 128M   12M of 64M   n1",
        "#1   crashed   2026-12-07T10:00:03Z   -      - of 256M     - of 1G      n2     "
            + "out of memory: limit 128M"), lines);
  }

  @Test
  void sizesReadAsCfPrintsThem() {
    assertEquals("29M", InstanceTable.size(29L << 20));
    assertEquals("29.3M", InstanceTable.size((29L << 20) + (300L << 10)));
    assertEquals("1.5G", InstanceTable.size(3L << 29));
    assertEquals("512K", InstanceTable.size(512L << 10));
    assertEquals("100B", InstanceTable.size(100));
    assertEquals("0", InstanceTable.size(0));
  }
}
