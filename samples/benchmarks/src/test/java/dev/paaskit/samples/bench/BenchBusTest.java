package dev.paaskit.samples.bench;

import static dev.paaskit.samples.bench.BenchRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code paaskit bench bus} against the nats-server it starts: what it prints and refuses. */
@Timeout(60)
class BenchBusTest {
  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), regex + " in\n" + text);
    return Double.parseDouble(m.group(1).replace(",", ""));
  }

  @Test
  void printsBothLatenciesTheirRatioAndTheHeartbeatsAbsorbed() throws Exception {
    String[] r = run("bench", "bus", "--seconds", "1", "--rate", "2000");
    assertEquals("0", r[0], r[2]);
    String out = r[1];
    for (String q : new String[] {"p50", "p99"}) {
      double bus = number(out, "^natsbus-" + q + ": ([\\d.]+) us");
      double raw = number(out, "raw-" + q + ": ([\\d.]+) us");
      double ratio = number(out, "raw-" + q + ": [\\d.]+ us  ratio: ([\\d.]+)$");
      assertTrue(bus > 0 && raw > 0, out);
      assertEquals(bus / raw, ratio, 0.01, out);
    }
    assertTrue(number(out, "^request-reply: ([\\d,]+) requests") >= 200, out);
    assertEquals(0, number(out, "lost: ([\\d,]+)"), out);
    assertTrue(number(out, "^heartbeats/s absorbed: ([\\d,]+)") > 1000, out);
  }

  @Test
  void refusesBadOptionsAndAnUnreachableServer() throws Exception {
    String[] zero = run("bench", "bus", "--seconds", "0");
    assertEquals("2", zero[0]);
    assertTrue(zero[2].contains("--seconds"), zero[2]);
    String[] nobody = run("bench", "bus", "--nats", "nats://127.0.0.1:1", "--seconds", "1");
    assertEquals("1", nobody[0], nobody[1]);
    assertTrue(nobody[2].contains("cannot connect to NATS at [nats://127.0.0.1:1]"), nobody[2]);
  }
}
