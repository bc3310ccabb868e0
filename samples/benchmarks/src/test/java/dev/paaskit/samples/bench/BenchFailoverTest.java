package dev.paaskit.samples.bench;

import static dev.paaskit.samples.bench.BenchRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code paaskit bench failover} on a small cloud with fast heartbeats: each killed node's
 * instances come back elsewhere, and the figures it prints are bounded by the dead-node deadline.
 */
@Timeout(60)
class BenchFailoverTest {
  private static long millis(String text, String name) {
    Matcher m = Pattern.compile("^" + name + ": (\\d+) ms", Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), name + " in\n" + text);
    return Long.parseLong(m.group(1));
  }

  @Test
  void killedNodesInstancesMoveAndAreTimed() throws Exception {
    String[] r = run("bench", "failover", "--nodes", "6", "--instances", "40", "--kills", "2",
        "--heartbeat-ms", "100", "--missed", "3", "--sweep-ms", "100", "--timeout", "30");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("killed n1: "), r[1]);
    assertTrue(r[1].contains("killed n2: "), r[1]);
    long p50 = millis(r[1], "failover-p50");
    long p99 = millis(r[1], "failover-p99");
    // A killed node is probed after 2 missed beats of 100 ms, counted from its last beat, which
    // it sent at most one beat before the kill: nothing can move sooner than 100 ms after it.
    // (A lower bound from the protocol, not from the machine's speed.)
    assertTrue(p50 >= 100 && p50 <= p99, r[1]);
  }

  @Test
  void acrossProcessesAKilledNodeProcesssInstancesMoveAndAreTimed() throws Exception {
    String[] r = run("bench", "failover", "--procs", "2", "--instances", "2", "--kills", "1",
        "--timeout", "60");
    assertEquals("0", r[0], r[1] + r[2]);
    assertTrue(r[1].contains("killed p1: 1 instances moved"), r[1]);
    long p50 = millis(r[1], "failover-p50");
    long p99 = millis(r[1], "failover-p99");
    // Probed after 2 missed heartbeats of a second from its last, sent at most a second before
    // the kill: nothing can move sooner than 1 s after it.
    assertTrue(p50 >= 1000 && p50 <= p99, r[1]);
  }

  @Test
  void processOptionsAreCheckedBeforeAnythingStarts() throws Exception {
    String[] kills = run("bench", "failover", "--procs", "2", "--kills", "2");
    assertEquals("2", kills[0]);
    assertTrue(kills[2].contains("--kills must be at least 1 and fewer than --procs"), kills[2]);
    String[] nats = run("bench", "failover", "--nats", "nats://127.0.0.1:4222");
    assertTrue(nats[2].contains("--nats needs --procs"), nats[2]);
    String[] mixed = run("bench", "failover", "--procs", "2", "--missed", "2");
    assertTrue(mixed[2].contains("--missed is for the cloud in one JVM, not --procs"), mixed[2]);
  }

  @Test
  void asManyKillsAsNodesIsRefused() throws Exception {
    String[] r = run("bench", "failover", "--nodes", "2", "--kills", "2");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--kills must be fewer than --nodes"), r[2]);
  }
}
