package dev.paaskit.samples.microcloud;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** The {@code paaskit} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    return run(args, out, err, System.getenv());
  }

  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env)
      throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      usage(args.length == 0 ? err : out);
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "demo":
        if (rest.length > 0) {
          out.println("usage: paaskit demo\n  Starts a micro cloud with 2 nodes, pushes a Python app with 3 "
              + "instances, routes 6 requests to it and prints push-to-first-request.");
          return rest[0].equals("--help") ? 0 : 2;
        }
        return new Demo(out).run();
      case "bench":
        if (rest.length >= 1 && rest[0].equals("converge")) {
          try {
            Args a = Args.parse(java.util.Arrays.copyOfRange(rest, 1, rest.length),
                Map.of("--nodes", "", "--instances", "", "--timeout", ""), Set.of(), Set.of(), 0);
            return new BenchConverge(out).run(a.intOption("--nodes", 100),
                a.intOption("--instances", 10_000),
                java.time.Duration.ofSeconds(a.intOption("--timeout", 600)));
          } catch (Args.UsageException e) {
            err.println("paaskit bench converge: " + e.getMessage());
            return 2;
          }
        }
        if (rest.length >= 1 && rest[0].equals("harness")) {
          try {
            Args a = Args.parse(java.util.Arrays.copyOfRange(rest, 1, rest.length),
                Map.of("--runs", ""), Set.of(), Set.of(), 0);
            int runs = a.intOption("--runs", 50);
            if (runs < 20) {
              throw new Args.UsageException("--runs must be at least 20");
            }
            return new BenchHarness(out).run(runs);
          } catch (Args.UsageException e) {
            err.println("paaskit bench harness: " + e.getMessage());
            return 2;
          }
        }
        if (rest.length >= 1 && rest[0].equals("push")) {
          try {
            Args a = Args.parse(java.util.Arrays.copyOfRange(rest, 1, rest.length),
                Map.of("--runs", ""), Set.of(), Set.of(), 0);
            int runs = a.intOption("--runs", 5);
            if (runs < 1) {
              throw new Args.UsageException("--runs must be at least 1");
            }
            return new BenchPush(out).run(runs);
          } catch (Args.UsageException e) {
            err.println("paaskit bench push: " + e.getMessage());
            return 2;
          }
        }
        err.println("usage: paaskit bench push [--runs N] | paaskit bench harness [--runs N]\n"
            + "  push:    push-to-first-200 of a small Python app over the REST API, fresh bits and\n"
            + "           unchanged bits, median of N runs (default 5)\n"
            + "  harness: cloud-start and push-to-running of paas-testing's in-process cloud,\n"
            + "           medians of N runs (default 50) after warm-up");
        return rest.length == 1 && rest[0].equals("--help") ? 0 : 2;
      case "serve":
        if (Arrays.asList(rest).contains("--help")) {
          out.println("usage: " + Serve.USAGE);
          return 0;
        }
        try {
          return new Serve(out, env).run(Args.parse(rest, Map.of("--api-port", "", "--router-port", "",
              "--nodes", "", "--data", ""), Set.of(), Set.of(), 0));
        } catch (Args.UsageException e) {
          err.println("paaskit serve: " + e.getMessage());
          err.println("usage: " + Serve.USAGE);
          return 2;
        }
      default:
        if (Cli.COMMANDS.containsKey(command)) {
          return new Cli(out, err, env).run(command, rest);
        }
        err.println("paaskit: unknown command '" + command + "'");
        usage(err);
        return 2;
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: paaskit <command> [options]    (paaskit <command> --help for details)");
    out.println();
    out.println("  demo     start a micro cloud, push a Python app with 3 instances, route requests to it");
    out.println("  serve    run a micro cloud (every role, process nodes) until interrupted");
    out.println(Cli.summary());
    out.println("  bench    benchmarks: 'bench push' (push-to-first-200), 'bench harness' (paas-testing)");
    out.println("  test     build everything and run all tests (handled by the ./paaskit script)");
  }
}
