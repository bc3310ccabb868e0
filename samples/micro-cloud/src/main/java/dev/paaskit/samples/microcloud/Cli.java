package dev.paaskit.samples.microcloud;

import dev.paaskit.api.App;
import dev.paaskit.api.Controller;
import dev.paaskit.api.Deployment;
import dev.paaskit.api.Event;
import dev.paaskit.api.InstanceState;
import dev.paaskit.api.InstanceStatus;
import dev.paaskit.api.LogEntry;
import dev.paaskit.api.PaasException;
import dev.paaskit.api.StagingException;
import dev.paaskit.rest.ApiException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** The client commands of {@code paaskit}: each talks to a running {@code serve} over its API. */
final class Cli {
  static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /** The commands that talk to an API, with their one-line summaries and usage. */
  static final Map<String, String[]> COMMANDS = new java.util.LinkedHashMap<>();

  static {
    COMMANDS.put("push", new String[] {"push an app: upload, stage, start, wait for its instances",
        "paaskit push [PATH] [--name N] [--instances K] [--memory 256M] [--disk 512M]\n"
            + "             [--cartridge C] [-f MANIFEST] [--vars-file F] [--env K=V]... [--secret-env K=V]...\n"
            + "  PATH is a folder or an archive (.zip, .tar, .tar.gz, .tgz); default the current folder.\n"
            + "  A manifest.yml (or stackato.yml) in the folder, or the one given with -f, is honoured;\n"
            + "  flags override it. Returns when every instance is RUNNING (exit 0), or says why not (exit 1).\n"
            + "  --cartridge (or the manifest's buildpacks:) names a cartridge, a buildpack of the\n"
            + "  server's --buildpacks folder, or a buildpack's git URL; default: the first that detects the app."});
    COMMANDS.put("apps", new String[] {"list apps", "paaskit apps"});
    COMMANDS.put("app", new String[] {"show an app and its instances", "paaskit app NAME"});
    COMMANDS.put("scale", new String[] {"change the number of instances",
        "paaskit scale NAME --instances K\n  Returns when K instances are RUNNING (exit 0), or says why not (exit 1)."});
    COMMANDS.put("start", new String[] {"start a stopped app", "paaskit start NAME"});
    COMMANDS.put("stop", new String[] {"stop every instance of an app", "paaskit stop NAME"});
    COMMANDS.put("restart", new String[] {"replace every instance of an app", "paaskit restart NAME"});
    COMMANDS.put("delete", new String[] {"delete an app and its instances", "paaskit delete NAME"});
    COMMANDS.put("logs", new String[] {"show an app's output",
        "paaskit logs NAME [--recent | --follow] [--lines N]\n  --recent (the default) prints the last lines of every instance; --follow streams until interrupted."});
    COMMANDS.put("events", new String[] {"show what happened to an app", "paaskit events NAME"});
    COMMANDS.put("nodes", new String[] {"list nodes with their state and what they hold", "paaskit nodes"});
    COMMANDS.put("drain", new String[] {"empty a node: its instances start elsewhere, then stop there",
        "paaskit drain NODE\n  The node takes no new instances; each of its instances is started on another node\n"
            + "  before it is stopped on this one."});
    COMMANDS.put("resume", new String[] {"let a drained node take instances again", "paaskit resume NODE"});
    COMMANDS.put("cartridges", new String[] {"list the cartridges apps can be staged with",
        "paaskit cartridges\n  Built-in cartridges and those added with 'paaskit cartridge add', with vendor and versions."});
    COMMANDS.put("cartridge", new String[] {"add or remove a downloadable cartridge; run a control action in an app's gears",
        CartridgeCommands.USAGE});
    COMMANDS.put("env", new String[] {"show an app's environment",
        "paaskit env NAME [--show-secrets]\n  Secret values show as ****** unless --show-secrets is given."});
  }

  static final String CONNECTION_HELP = "\nconnection: PAASKIT_API, else --api URL, else http://127.0.0.1:"
      + Connection.DEFAULT_API_PORT + "; token: PAASKIT_TOKEN, else --token T, else $PAASKIT_HOME/admin-token";

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  Cli(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  int run(String command, String[] argv) throws Exception {
    String[] usage = COMMANDS.get(command);
    if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
      out.println("usage: " + usage[1] + CONNECTION_HELP);
      return 0;
    }
    Spec spec = SPECS.get(command);
    Args args;
    try {
      args = Args.parse(argv, spec.options, spec.repeatable, spec.switches, spec.positionals);
      if (args.has("--recent") && args.has("--follow")) {
        throw new Args.UsageException("--recent and --follow do not go together");
      }
    } catch (Args.UsageException e) {
      err.println("paaskit " + command + ": " + e.getMessage());
      err.println("usage: " + usage[1]);
      return 2;
    }
    ApiClient client;
    try {
      client = ApiClient.connect(Connection.resolve(env, args.get("--api"), args.get("--token")));
    } catch (Args.UsageException e) {
      err.println("paaskit " + command + ": " + e.getMessage());
      return 2;
    }
    try (client) {
      return dispatch(command, args, client);
    } catch (Args.UsageException e) {
      err.println("paaskit " + command + ": " + e.getMessage());
      err.println("usage: " + usage[1]);
      return 2;
    } catch (StagingException e) {
      err.println("staging failed: " + e.getMessage());
      e.output().forEach(l -> err.println("  " + l));
      return 1;
    } catch (PaasException | ApiException e) {
      err.println("paaskit " + command + ": " + e.getMessage());
      return 1;
    } catch (IOException | java.io.UncheckedIOException e) {
      err.println("paaskit " + command + ": cannot reach the API at " + client.url() + ": "
          + e.getMessage() + " (is 'paaskit serve' running?)");
      return 1;
    }
  }

  private int dispatch(String command, Args args, ApiClient client) throws Exception {
    Controller c = client.controller();
    switch (command) {
      case "push":
        return new Push(out, err, client).run(args);
      case "apps":
        return apps(c);
      case "app":
        return app(c, args.required(0, "app name"));
      case "scale": {
        String name = args.required(0, "app name");
        int k = args.intOption("--instances", -1);
        if (k < 0) {
          throw new Args.UsageException("--instances K is required");
        }
        return waitAfter(c, name, () -> c.scale(name, k),
            "scaled " + name + " to " + k + " instance(s)");
      }
      case "start": {
        String name = args.required(0, "app name");
        return waitAfter(c, name, () -> {
          c.start(name);
          return c.deployment(name);
        }, "started " + name);
      }
      case "restart": {
        String name = args.required(0, "app name");
        return waitAfter(c, name, () -> {
          c.restart(name);
          return c.deployment(name);
        }, "restarted " + name);
      }
      case "stop": {
        String name = args.required(0, "app name");
        c.stop(name);
        out.println("stopped " + name);
        return 0;
      }
      case "delete": {
        String name = args.required(0, "app name");
        c.delete(name);
        out.println("deleted " + name);
        return 0;
      }
      case "logs":
        return logs(c, args);
      case "events":
        return events(c, args.required(0, "app name"));
      case "env":
        return env(client, args.required(0, "app name"), args.has("--show-secrets"));
      case "nodes":
        return nodes(c);
      case "drain": {
        String node = args.required(0, "node id");
        c.drain(node);
        out.println("draining " + node + ": its instances move to other nodes");
        return 0;
      }
      case "cartridges":
      case "cartridge":
        return new CartridgeCommands(out, client).run(command, args);
      case "resume": {
        String node = args.required(0, "node id");
        c.resume(node);
        out.println(node + " takes instances again");
        return 0;
      }
      default:
        throw new IllegalStateException(command);
    }
  }

  private int waitAfter(Controller c, String name,
      java.util.function.Supplier<Deployment> action, String done) throws Exception {
    try (InstanceWait wait = new InstanceWait(c, name, out)) {
      Deployment deployment = action.get();
      int instances = deployment.staged().join().spec().instances();
      out.println(done + "; waiting for " + instances + " instance(s)");
      String failure = wait.await(deployment, START_TIMEOUT);
      if (failure != null) {
        err.println(failure);
        return 1;
      }
      out.println(name + ": " + instances + " of " + instances + " instances running");
      return 0;
    }
  }

  private int apps(Controller c) {
    List<App> apps = c.apps();
    if (apps.isEmpty()) {
      out.println("no apps");
      return 0;
    }
    out.printf("%-24s %-8s %-10s %-7s %s%n", "name", "state", "instances", "memory", "urls");
    for (App a : apps) {
      long running = c.instances(a.name()).stream().filter(i -> i.state() == InstanceState.RUNNING).count();
      out.printf("%-24s %-8s %-10s %-7s %s%n", a.name(), a.state(), running + "/" + a.spec().instances(),
          a.spec().memory(), String.join(", ", a.urls()));
    }
    return 0;
  }

  private int app(Controller c, String name) {
    App a = c.get(name);
    out.println("name:       " + a.name());
    out.println("state:      " + a.state() + " (package " + a.packageState() + ")");
    out.println("instances:  " + a.spec().instances());
    out.println("memory:     " + a.spec().memory() + ", disk " + a.spec().disk());
    out.println("urls:       " + String.join(", ", a.urls()));
    out.println("droplet:    " + a.dropletSha256().orElse("none"));
    a.spec().command().ifPresent(cmd -> out.println("command:    " + cmd));
    List<InstanceStatus> instances = c.instances(name);
    if (!instances.isEmpty()) {
      out.println();
      InstanceTable.lines(instances, a.spec().memory(), a.spec().disk()).forEach(out::println);
    }
    return 0;
  }

  private int logs(Controller c, Args args) throws Exception {
    String name = args.required(0, "app name");
    if (args.has("--follow")) {
      CountDownLatch forever = new CountDownLatch(1);
      try (AutoCloseable follow = c.followLogs(name, l -> out.println(format(l)))) {
        forever.await();
      }
      return 0;
    }
    for (LogEntry l : c.logs(name, args.intOption("--lines", 100))) {
      out.println(format(l));
    }
    return 0;
  }

  static String format(LogEntry l) {
    String who = l.index() >= 0 ? l.appName() + "/" + l.index() : l.appName();
    return l.time() + " [" + who + "] " + l.source() + " " + l.text();
  }

  private int nodes(Controller c) {
    out.printf("%-8s %-9s %-6s %-18s %-18s %s%n", "node", "state", "zone", "memory used", "disk used", "instances");
    for (var n : c.nodes()) {
      out.printf("%-8s %-9s %-6s %-18s %-18s %d%n", n.nodeId(), n.state(), n.zone().isEmpty() ? "-" : n.zone(),
          (n.memoryUsedBytes() >> 20) + "M/" + n.capacity().memory(),
          (n.diskUsedBytes() >> 20) + "M/" + n.capacity().disk(), n.instances());
    }
    return 0;
  }

  private int events(Controller c, String name) {
    c.get(name);
    for (Event e : c.events(name)) {
      out.println(e.time() + " " + e.type() + " " + e.message());
    }
    return 0;
  }

  private int env(ApiClient client, String name, boolean showSecrets) throws IOException {
    ApiClient.Environment e = client.environment(name, showSecrets);
    out.println("environment of " + name + ":");
    e.plain().forEach((k, v) -> out.println("  " + k + "=" + v));
    e.secret().forEach((k, v) -> out.println("  " + k + "=" + v + (showSecrets ? "" : "  (secret)")));
    return 0;
  }

  /** What each command accepts. */
  private record Spec(Map<String, String> options, Set<String> repeatable, Set<String> switches,
      int positionals) {}

  static Map<String, String> opts(String... names) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String n : names) {
      int colon = n.indexOf(':');
      m.put(colon < 0 ? n : n.substring(0, colon), colon < 0 ? null : n.substring(colon + 1));
    }
    m.put("--api", null);
    m.put("--token", null);
    return m;
  }

  private static final Map<String, Spec> SPECS = Map.ofEntries(
      Map.entry("push", new Spec(opts("--name", "--instances:-i", "--memory:-m", "--disk:-k",
          "--cartridge:-b", "--manifest:-f", "--vars-file", "--env:-e", "--secret-env"),
          Set.of("--env", "--secret-env"), Set.of("--no-wait"), 1)),
      Map.entry("apps", new Spec(opts(), Set.of(), Set.of(), 0)),
      Map.entry("app", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("scale", new Spec(opts("--instances:-i"), Set.of(), Set.of(), 1)),
      Map.entry("start", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("stop", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("restart", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("delete", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("logs", new Spec(opts("--lines"), Set.of(), Set.of("--recent", "--follow"), 1)),
      Map.entry("events", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("env", new Spec(opts(), Set.of(), Set.of("--show-secrets"), 1)),
      Map.entry("nodes", new Spec(opts(), Set.of(), Set.of(), 0)),
      Map.entry("drain", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("resume", new Spec(opts(), Set.of(), Set.of(), 1)),
      Map.entry("cartridges", new Spec(opts(), Set.of(), Set.of(), 0)),
      Map.entry("cartridge", new Spec(opts(), Set.of(), Set.of(), 3)));

  static String summary() {
    return COMMANDS.entrySet().stream().map(e -> String.format("  %-8s %s", e.getKey(), e.getValue()[0]))
        .collect(Collectors.joining("\n"));
  }
}
