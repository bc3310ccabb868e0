package dev.paaskit.samples.microcloud;

import java.io.PrintStream;

/** The {@code paaskit} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      usage(out);
      return args.length == 0 ? 2 : 0;
    }
    switch (args[0]) {
      case "demo":
        return new Demo(out).run();
      default:
        err.println("paaskit: unknown command '" + args[0] + "'");
        usage(err);
        return 2;
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: paaskit <command>");
    out.println();
    out.println("commands:");
    out.println("  demo    start a micro cloud with 2 nodes, push a Python app with 3 instances,");
    out.println("          route requests to it, print the answers and push-to-first-request");
    out.println("  test    build everything and run all tests (handled by the ./paaskit script)");
  }
}
