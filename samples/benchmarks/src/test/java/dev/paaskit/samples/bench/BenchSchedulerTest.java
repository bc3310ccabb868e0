package dev.paaskit.samples.bench;

import static dev.paaskit.samples.bench.BenchRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code paaskit bench scheduler} on a small cluster: what it prints and what it refuses. */
@Timeout(60)
class BenchSchedulerTest {
  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), regex + " in\n" + text);
    return Double.parseDouble(m.group(1).replace(",", ""));
  }

  @Test
  void printsRateLatencyAndUtilizationBesideBestFit() throws Exception {
    String[] r = run("bench", "scheduler", "--nodes", "300", "--instances", "6000", "--runs", "2",
        "--seed", "7");
    assertEquals("0", r[0], r[2]);
    String out = r[1];
    assertTrue(out.startsWith("scheduler: 300 nodes"), out);
    assertTrue(out.contains("run 2: "), out);
    assertTrue(number(out, "^placements/s: ([\\d,]+)") > 0, out);
    assertTrue(number(out, "^p99: ([\\d.]+) us$") > 0, out);
    double utilization = number(out, "^utilization: ([\\d.]+)%");
    double bestFit = number(out, "best-fit: ([\\d.]+)%");
    assertTrue(utilization > 50 && bestFit > 50 && bestFit <= 100, out);
    assertTrue(Math.abs(bestFit - utilization) <= 3, "within 3 points of best-fit: " + out);
    assertTrue(out.contains("no node fits: 300 short of memory"),
        "more is asked than fits, so placement stops and says why: " + out);
  }

  @Test
  void theSameSeedGivesTheSameInputAndPlacements() throws Exception {
    String first = run("bench", "scheduler", "--nodes", "200", "--instances", "1000", "--runs",
        "1", "--seed", "3")[1];
    String again = run("bench", "scheduler", "--nodes", "200", "--instances", "1000", "--runs",
        "1", "--seed", "3")[1];
    assertEquals(first.lines().findFirst(), again.lines().findFirst());
    assertEquals(number(first, "^utilization: ([\\d.]+)%"), number(again, "^utilization: ([\\d.]+)%"));
    assertEquals(number(first, "best-fit: ([\\d.]+)%"), number(again, "best-fit: ([\\d.]+)%"));
  }

  @Test
  void explainsItself() throws Exception {
    String[] r = run("bench", "scheduler", "--help");
    assertEquals("0", r[0]);
    assertTrue(r[1].startsWith("usage: paaskit bench scheduler [--nodes N]"), r[1]);
    String[] bench = run("bench", "--help");
    assertTrue(bench[2].contains("paaskit bench scheduler"), bench[2]);
  }

  @Test
  void refusesBadNumbersNamingThem() throws Exception {
    String[] zero = run("bench", "scheduler", "--nodes", "0");
    assertEquals("2", zero[0]);
    assertTrue(zero[2].contains("--nodes must be between 1 and 1,000,000, not 0"), zero[2]);
    String[] words = run("bench", "scheduler", "--instances", "many");
    assertEquals("2", words[0]);
    assertTrue(words[2].contains("--instances must be a whole number, not 'many'"), words[2]);
    String[] runs = run("bench", "scheduler", "--runs", "0");
    assertEquals("2", runs[0]);
    assertTrue(runs[2].contains("--runs must be at least 1"), runs[2]);
    String[] unknown = run("bench", "scheduler", "--zones", "3");
    assertEquals("2", unknown[0]);
    assertTrue(unknown[2].contains("unknown option --zones"), unknown[2]);
  }
}
