package dev.paaskit.samples.microcloud;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.InstanceUsage;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instances of {@code paaskit app} as {@code cf app} shows them: one row per instance with
 * its state, since when, CPU, memory and disk beside their limits, node and crash reason.
 *
 * <pre>
 *      state     since                  cpu    memory        disk         node   details
 * #0   running   2026-12-07T10:00:00Z   0.4%   29M of 128M   12M of 64M   n1
 * #1   crashed   2026-12-07T10:00:03Z   -      - of 128M     - of 64M     n2     out of memory: limit 128M
 * </pre>
 *
 * <p>Each column is as wide as its widest cell; an instance its node has not sampled (yet, or
 * any more) shows {@code -} for what it uses, beside the app's limits.
 */
final class InstanceTable {
  private static final String[] HEADER =
      {"", "state", "since", "cpu", "memory", "disk", "node", "details"};

  private InstanceTable() {}

  /**
   * The table's lines, header first.
   *
   * @param memory the app's memory limit, shown for an instance not sampled yet
   * @param disk the app's disk quota, likewise
   */
  static List<String> lines(List<InstanceStatus> instances, ByteSize memory, ByteSize disk) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (InstanceStatus i : instances) {
      InstanceUsage u = i.usage().orElse(null);
      rows.add(new String[] {
          "#" + i.index(),
          i.state().name().toLowerCase(Locale.ROOT),
          i.since().truncatedTo(ChronoUnit.SECONDS).toString(),
          u == null ? "-" : String.format(Locale.ROOT, "%.1f%%", u.cpuPercent()),
          (u == null ? "-" : size(u.memoryBytes())) + " of "
              + size(u == null ? memory.bytes() : u.memoryLimitBytes()),
          (u == null ? "-" : size(u.diskBytes())) + " of "
              + size(u == null ? disk.bytes() : u.diskQuotaBytes()),
          i.nodeId(),
          i.crash().map(c -> c.reason()).orElse("")});
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        b.append(row[c]);
        if (c < row.length - 1) {
          b.append(" ".repeat(widths[c] - row[c].length() + 3));
        }
      }
      out.add(b.toString().stripTrailing());
    }
    return out;
  }

  /**
   * A size as {@code cf} prints one: the largest unit (K, M, G, T, of 1024) that leaves at least
   * 1, with one decimal unless it is whole: {@code 29M}, {@code 1.5G}, {@code 512K}, {@code 0}.
   */
  static String size(long bytes) {
    String[] units = {"T", "G", "M", "K"};
    long[] scales = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
    for (int u = 0; u < units.length; u++) {
      if (bytes >= scales[u]) {
        double value = Math.round(bytes * 10.0 / scales[u]) / 10.0;
        String text = value == Math.rint(value) ? String.valueOf((long) value)
            : String.format(Locale.ROOT, "%.1f", value);
        return text + units[u];
      }
    }
    return bytes == 0 ? "0" : bytes + "B";
  }
}
