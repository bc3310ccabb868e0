package dev.paaskit.samples.microcloud;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the command line in this JVM, as tests of its commands do. */
final class MainRuns {
  private MainRuns() {}

  /** What one command printed, and its exit code. */
  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** {@code paaskit ARGS}: its exit code, standard output and standard error, in that order. */
  static String[] run(String... args) throws Exception {
    Run r = run(Map.of(), args);
    return new String[] {String.valueOf(r.code()), r.out(), r.err()};
  }

  /** {@code paaskit ARGS} as a client of the serve at {@code api}, with its home in {@code home}. */
  static Run cli(String api, java.nio.file.Path home, String... args) throws Exception {
    return run(Map.of("PAASKIT_API", api, "PAASKIT_HOME", home.toString()), args);
  }

  private static Run run(Map<String, String> env, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
