package dev.paaskit.samples.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Runs {@code paaskit bench ...} in this JVM, as the tests of the benchmarks do. */
final class BenchRuns {
  private BenchRuns() {}

  /**
   * {@code paaskit ARGS}, whose first word is {@code bench}: its exit code, standard output and
   * standard error, in that order.
   */
  static String[] run(String... args) throws Exception {
    if (args.length == 0 || !args[0].equals("bench")) {
      throw new IllegalArgumentException("not a bench command: " + Arrays.toString(args));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Bench.run(Arrays.copyOfRange(args, 1, args.length),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }
}
