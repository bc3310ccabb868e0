package dev.paaskit.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.NodeCapacity;
import dev.paaskit.core.internal.protocol.StartInstance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private final PortAllocator ports =
      PortAllocator.builder().range(21000, 21001).verifyFree(false).seed(1).build();

  private static StartInstance start(String id, long memoryMb, long cpuShares) {
    return new StartInstance(id, "app-id", "web", 1, 0, "0".repeat(64), "./run", Map.of(),
        List.of(), memoryMb << 20, 10L << 20, "PROCESS", "/", 1000, cpuShares);
  }

  private Admission admission(long memoryMb, int maxInstances, long cpuShares) {
    return new Admission("n1", new NodeCapacity(ByteSize.ofMegabytes(memoryMb),
        ByteSize.ofMegabytes(1024), maxInstances), cpuShares, ports);
  }

  @Test
  void reservesUntilReleasedAndSaysWhatIsShort() {
    Admission admission = admission(512, 10, 0);
    Admission.Decision first = admission.admit(start("a", 400, 0), id -> false);
    assertTrue(first.admitted());
    assertTrue(ports.isAllocated(first.port()));

    Admission.Decision refused = admission.admit(start("b", 200, 0), id -> false);
    assertFalse(refused.admitted());
    assertEquals("node n1 is short of memory: " + (112L << 20) + " bytes free, "
        + (200L << 20) + " asked", refused.ack().error());

    admission.release(start("a", 400, 0), first.port());
    assertFalse(ports.isAllocated(first.port()));
    assertTrue(admission.admit(start("b", 200, 0), id -> false).admitted());
  }

  @Test
  void aStartSeenBeforeIsAcceptedAndReservesNothing() {
    Admission admission = admission(512, 10, 0);
    Admission.Decision first = admission.admit(start("a", 100, 0), id -> false);
    admission.release(start("a", 100, 0), first.port());

    Admission.Decision replay = admission.admit(start("a", 100, 0), id -> false);
    Admission.Decision present = admission.admit(start("old", 100, 0), "old"::equals);

    assertTrue(replay.ack().ok());
    assertFalse(replay.admitted());
    assertTrue(present.ack().ok());
    assertFalse(present.admitted());
    assertEquals(0, ports.allocatedCount());
  }

  @Test
  void refusesPastItsCpuItsInstanceCountAndItsPorts() {
    Admission cpu = admission(512, 10, 1024);
    assertTrue(cpu.admit(start("a", 10, 1000), id -> false).admitted());
    assertEquals("node n1 is short of CPU: 24 shares free, 100 asked",
        cpu.admit(start("b", 10, 100), id -> false).ack().error());

    Admission count = admission(512, 1, 0);
    assertTrue(count.admit(start("c1", 10, 0), id -> false).admitted());
    assertEquals("node n1 runs its maximum of 1 instances",
        count.admit(start("c2", 10, 0), id -> false).ack().error());

    // Both ports of the range are taken now.
    Admission.Decision noPort = admission(512, 10, 0).admit(start("e", 10, 0), id -> false);
    assertTrue(noPort.ack().error().startsWith("node n1 has no free port"), noPort.toString());
  }
}
