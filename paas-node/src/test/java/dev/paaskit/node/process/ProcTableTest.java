package dev.paaskit.node.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProcTableTest {
  @TempDir Path proc;

  private void process(long pid, String comm, char state, long ppid, long pgrp, long session,
      long rssKb) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") " + state + " " + ppid + " "
        + pgrp + " " + session + " 34816 0 -1 4194560 110 0 0 0 0 0 0 0 20 0 1 0\n");
    Files.writeString(dir.resolve("status"), "Name:\t" + comm + "\nState:\t" + state + "\n"
        + (rssKb >= 0 ? "VmRSS:\t   " + rssKb + " kB\n" : "") + "Threads:\t1\n");
  }

  @Test
  void parsesCommandNamesWithSpacesAndParentheses() {
    ProcTable.Entry e = ProcTable.parse("4242 (my (odd) name) S 1 4240 4239 0 -1 4194560");
    assertEquals(new ProcTable.Entry(4242, 'S', 1, 4240, 4239, 0), e);
    assertThrows(IllegalArgumentException.class, () -> ProcTable.parse("garbage"));
  }

  @Test
  void cpuTicksAreUserSystemAndReapedChildrensTime() {
    // Fields 14 to 17: utime 250, stime 40, cutime 7, cstime 3; then priority, nice...
    ProcTable.Entry e = ProcTable.parse("77 (py) R 1 77 77 0 -1 4194304 900 0 0 0 250 40 7 3 "
        + "20 0 1 0 123 456 789\n");
    assertEquals(250 + 40 + 7 + 3, e.cpuTicks());
    assertEquals(3_000_000_000L, e.cpuTicks() * ProcTable.NANOS_PER_TICK);
  }

  @Test
  void membersAreDescendantsAndSessionMatesThatStillLive() throws IOException {
    process(1, "init", 'S', 0, 1, 1, 1000);
    process(100, "sh", 'S', 1, 100, 100, 1000);
    process(101, "child", 'S', 100, 100, 100, 2000);
    process(102, "grand child", 'R', 101, 100, 100, 3000);
    process(103, "own session", 'S', 101, 103, 103, 4000);
    process(104, "orphan", 'S', 1, 100, 100, 5000);
    process(105, "dead", 'Z', 1, 100, 100, -1);
    process(200, "stranger", 'S', 1, 200, 200, 6000);
    Files.createDirectories(proc.resolve("self"));
    ProcTable table = ProcTable.scan(proc);

    assertEquals(Set.of(100L, 101L, 102L, 103L, 104L), table.members(100, OptionalLong.of(100)));
    assertEquals(Set.of(100L, 101L, 102L, 103L), table.members(100, OptionalLong.empty()));
    assertEquals(Set.of(100L, 101L, 102L, 104L), table.members(999, OptionalLong.of(100)),
        "once the main process is gone its session still names what it left");
    assertEquals(3000L * 1024, table.rssBytes(102));
    assertEquals(0, table.rssBytes(105));
    assertEquals(0, table.rssBytes(999));
    assertTrue(table.get(105).isPresent());
    assertFalse(table.get(105).orElseThrow().live());
  }

  @Test
  void readsTheRealProcessTable() throws IOException {
    ProcTable table = ProcTable.scan(Path.of("/proc"));
    long self = ProcessHandle.current().pid();
    assertTrue(table.members(self, OptionalLong.empty()).contains(self));
    assertTrue(table.rssBytes(self) > 1024 * 1024, "a JVM holds more than a MiB");
  }
}
