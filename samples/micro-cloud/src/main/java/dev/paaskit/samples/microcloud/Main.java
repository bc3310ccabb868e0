package dev.paaskit.samples.microcloud;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
        MicroCloud.Isolation isolation = MicroCloud.Isolation.best();
        if (rest.length == 2 && rest[0].equals("--backend")) {
          try {
            isolation = MicroCloud.Isolation.parse(rest[1]);
          } catch (IllegalArgumentException e) {
            err.println("paaskit demo: " + e.getMessage());
            return 2;
          }
        } else if (rest.length > 0) {
          out.println("usage: paaskit demo [--backend runc|process]\n  Starts a micro cloud with 2 "
              + "nodes, pushes a Python app with 3 instances, routes 6 requests to it and prints "
              + "push-to-first-request. Apps run in runc containers as root with runc installed, "
              + "else as plain processes.");
          return rest[0].equals("--help") ? 0 : 2;
        }
        return new Demo(out, isolation).run();
      case "bench":
        err.println("paaskit bench: the benchmarks live apart from the product, in"
            + " samples/benchmarks; the ./paaskit launcher runs them: ./paaskit bench --help");
        return 2;
      case "serve":
        if (Arrays.asList(rest).contains("--help")) {
          out.println("usage: " + Serve.USAGE);
          return 0;
        }
        try {
          Map<String, String> options = new HashMap<>(NatsFlags.OPTIONS);
          for (String option : List.of("--api-port", "--router-port", "--nodes", "--data",
              "--buildpacks", "--roles", "--node-id", "--node-address", "--cloud", "--backend")) {
            options.put(option, "");
          }
          Set<String> switches = new HashSet<>(NatsFlags.SWITCHES);
          switches.addAll(List.of("--allow-file-buildpacks", Serve.ALLOW_HTTP_CARTRIDGES,
              Serve.ALLOW_FILE_CARTRIDGES));
          return new Serve(out, env).run(Args.parse(rest, options, Set.of(), switches, 0));
        } catch (Args.UsageException e) {
          err.println("paaskit serve: " + e.getMessage());
          err.println("usage: " + Serve.USAGE);
          return 2;
        } catch (java.io.IOException e) {
          err.println("paaskit serve: " + e.getMessage());
          return 1;
        }
      case "service":
        return new ServiceCommand(out, err, env).run(rest);
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
    out.println("  serve    run a micro cloud (every role, process nodes) until interrupted, or one");
    out.println("           process of a cloud spread over NATS (--nats URL --roles ...)");
    out.println(Cli.summary());
    out.println("  service  " + ServiceCommand.SUMMARY);
    out.println("  bench    benchmarks, from samples/benchmarks through the ./paaskit launcher:\n"
        + "           'bench push' (push-to-first-200), 'bench harness' (paas-testing),\n"
        + "           'bench scheduler' (placement), 'bench bus' (NatsBus against raw jnats), ...");
    out.println("  test     build everything and run all tests (handled by the ./paaskit script)");
  }
}
