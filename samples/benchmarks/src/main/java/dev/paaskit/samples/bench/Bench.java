package dev.paaskit.samples.bench;

import dev.paaskit.samples.microcloud.Args;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code paaskit bench}: the benchmarks, apart from the product so that JUnit and paas-testing
 * stay off its class path. The {@code paaskit} launcher runs this class for
 * {@code ./paaskit bench ...}.
 */
public final class Bench {
  private static final String BENCH_SCHEDULER_HELP =
      "places M instances on N synthetic nodes one by one (defaults 100,000 and\n"
      + "             10,000), bin-packing with sampling; prints placements/s, the p99 latency of one\n"
      + "             placement and the memory used when placement stops beside an exhaustive\n"
      + "             best-fit's; medians of K runs (default 3) after warm-up, input from seed S";

  private Bench() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs {@code paaskit bench ARGS}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length >= 1 && args[0].equals("converge")) {
      try {
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length),
            Map.of("--nodes", "", "--instances", "", "--timeout", "", "--bus-threads", ""),
            Set.of(), Set.of(), 0);
        return new BenchConverge(out).run(a.intOption("--nodes", 100),
            a.intOption("--instances", 10_000),
            java.time.Duration.ofSeconds(a.intOption("--timeout", 600)),
            a.intOption("--bus-threads", 0));
      } catch (Args.UsageException e) {
        err.println("paaskit bench converge: " + e.getMessage());
        return 2;
      }
    }
    if (args.length >= 1 && args[0].equals("failover")) {
      try {
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length),
            Map.of("--nodes", "", "--instances", "", "--kills", "", "--heartbeat-ms", "",
                "--missed", "", "--sweep-ms", "", "--timeout", "", "--procs", "",
                "--nats", ""), Set.of(), Set.of(), 0);
        if (a.get("--procs").isPresent()) {
          for (String inJvm : List.of("--nodes", "--heartbeat-ms", "--missed", "--sweep-ms")) {
            if (a.get(inJvm).isPresent()) {
              throw new Args.UsageException(inJvm + " is for the cloud in one JVM, not --procs");
            }
          }
          int procs = a.intOption("--procs", 2);
          return new BenchFailoverProcs(out).run(a.get("--nats").orElse(null), procs,
              a.intOption("--instances", 2 * procs), a.intOption("--kills", 1),
              java.time.Duration.ofSeconds(a.intOption("--timeout", 120)));
        }
        if (a.get("--nats").isPresent()) {
          throw new Args.UsageException("--nats needs --procs");
        }
        return new BenchFailover(out).run(a.intOption("--nodes", 100),
            a.intOption("--instances", 1000), a.intOption("--kills", 10),
            java.time.Duration.ofMillis(a.intOption("--heartbeat-ms", 1000)),
            a.intOption("--missed", 3),
            java.time.Duration.ofMillis(a.intOption("--sweep-ms", 1000)),
            java.time.Duration.ofSeconds(a.intOption("--timeout", 120)));
      } catch (Args.UsageException e) {
        err.println("paaskit bench failover: " + e.getMessage());
        return 2;
      }
    }
    if (args.length >= 1 && args[0].equals("harness")) {
      try {
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length),
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
    if (args.length >= 1 && args[0].equals("push")) {
      try {
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length),
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
    if (args.length >= 1 && args[0].equals("containers")) {
      try {
        Args a = Args.parse(java.util.Arrays.copyOfRange(args, 1, args.length),
            Map.of("--runs", "", "--density", ""), Set.of(), Set.of(), 0);
        int runs = a.intOption("--runs", 20);
        int density = a.intOption("--density", 200);
        if (runs < 1 || density < 0) {
          throw new Args.UsageException("--runs must be at least 1 and --density not negative");
        }
        return new BenchContainers(out).run(runs, density);
      } catch (Args.UsageException e) {
        err.println("paaskit bench containers: " + e.getMessage());
        return 2;
      }
    }
    if (args.length >= 1 && args[0].equals("bus")) {
      return BenchBus.command(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length >= 1 && args[0].equals("scheduler")) {
      return scheduler(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    err.println("usage: paaskit bench push [--runs N] | paaskit bench harness [--runs N]\n"
        + "       | paaskit bench scheduler [--nodes N] [--instances M] [--seed S] [--runs K]\n"
        + "       | paaskit bench converge [--nodes N] [--instances M] [--timeout S] [--bus-threads T]\n"
        + "       | paaskit bench failover [--nodes N] [--instances M] [--kills K] [--heartbeat-ms T]\n"
        + "                              [--missed N] [--sweep-ms T] [--timeout S]\n"
        + "       | paaskit bench failover --procs N [--instances M] [--kills K] [--nats URL]\n"
        + "       | paaskit bench containers [--runs N] [--density M]\n"
        + "       | " + BenchBus.SYNOPSIS + "\n"
        + "  push:      push-to-first-200 of a small Python app over the REST API, fresh bits and\n"
        + "             unchanged bits, median of N runs (default 5)\n"
        + "  harness:   cloud-start and push-to-running of paas-testing's in-process cloud,\n"
        + "             medians of N runs (default 50) after warm-up\n"
        + "  scheduler: " + BENCH_SCHEDULER_HELP + "\n"
        + "  converge:  the whole cloud in one JVM on fake nodes, from empty to every instance\n"
        + "             RUNNING; prints converged and peak-heap\n"
        + "  failover:  kills K nodes one at a time; each moved instance timed from the kill to\n"
        + "             RUNNING elsewhere and registered with the router; prints p50 and p99\n"
        + "             --procs: a controller process and N node processes on NATS (its own\n"
        + "             nats-server unless --nats), kill -9; each moved instance timed to RUNNING\n"
        + "             elsewhere and answering through the router\n"
        + "  containers: create-to-first-line of a trivial instance on runc and on plain processes,\n"
        + "             alternating, median of N (default 20); then up to M (default 200) idle 64M\n"
        + "             runc instances and the host memory each costs (needs root and runc)\n"
        + "  " + BenchBus.HELP);
    return args.length == 1 && args[0].equals("--help") ? 0 : 2;
  }

  private static int scheduler(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help")) {
      out.println("usage: paaskit bench scheduler [--nodes N] [--instances M] [--seed S] [--runs K]\n"
          + "  " + BENCH_SCHEDULER_HELP.replace("\n             ", "\n  "));
      return 0;
    }
    try {
      Args a = Args.parse(args, Map.of("--nodes", "", "--instances", "", "--seed", "", "--runs", ""),
          Set.of(), Set.of(), 0);
      int nodes = a.intOption("--nodes", 10_000);
      int instances = a.intOption("--instances", 100_000);
      int seed = a.intOption("--seed", 1);
      int runs = a.intOption("--runs", 3);
      if (nodes < 1 || nodes > 1_000_000) {
        throw new Args.UsageException("--nodes must be between 1 and 1,000,000, not " + nodes);
      }
      if (instances < 1 || instances > 10_000_000) {
        throw new Args.UsageException(
            "--instances must be between 1 and 10,000,000, not " + instances);
      }
      if (runs < 1) {
        throw new Args.UsageException("--runs must be at least 1, not " + runs);
      }
      return new BenchScheduler(out).run(nodes, instances, seed, runs);
    } catch (Args.UsageException e) {
      err.println("paaskit bench scheduler: " + e.getMessage());
      return 2;
    }
  }
}
