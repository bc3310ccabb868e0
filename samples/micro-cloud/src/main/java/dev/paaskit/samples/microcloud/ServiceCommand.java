package dev.paaskit.samples.microcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paaskit.core.internal.archive.TarGzWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@code paaskit service ...}: drives ConPaaS-style generic services over the API's
 * {@code /v1/services} routes.
 */
final class ServiceCommand {
  static final String SUMMARY = "drive generic services: agents running init/run/interrupt/cleanup/notify.sh";
  static final String USAGE = "paaskit service <command> ...\n"
      + "  create-generic NAME [--agents N]   a service with N agents (default 1); the first is the master\n"
      + "  upload-code NAME ARCHIVE_OR_DIR    store a code version (zip, tar, tar.gz or a folder) holding\n"
      + "                                     init.sh, run.sh, interrupt.sh, cleanup.sh and notify.sh\n"
      + "  code-versions NAME                 list the code versions, the active one marked *\n"
      + "  activate NAME VERSION              make VERSION active: every agent unpacks it and runs init.sh\n"
      + "  run NAME                           run run.sh on every agent (refused until init.sh finished,\n"
      + "                                     and while another script runs)\n"
      + "  interrupt NAME                     stop what runs (SIGTERM, then SIGKILL), then run interrupt.sh\n"
      + "  cleanup NAME                       run cleanup.sh, empty each work folder, run init.sh again\n"
      + "  add-agents NAME N                  add N agents; the others run notify.sh\n"
      + "  remove-agents NAME N               remove the N newest agents; the others run notify.sh\n"
      + "  status NAME [--lines K]            agents, roles, IPs, each script's state and exit code,\n"
      + "                                     the last K output lines of each (default 3)\n"
      + "  list                               list generic services\n"
      + "  delete NAME                        stop and remove every agent, forget the service";

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final MediaType BINARY = MediaType.get("application/octet-stream");

  /** What one sub-command accepts: its options that take a value and its positional count. */
  private record Spec(Map<String, String> options, int positionals) {}

  private static final Map<String, Spec> SPECS = Map.ofEntries(
      Map.entry("create-generic", new Spec(Cli.opts("--agents:-n"), 1)),
      Map.entry("upload-code", new Spec(Cli.opts(), 2)),
      Map.entry("code-versions", new Spec(Cli.opts(), 1)),
      Map.entry("activate", new Spec(Cli.opts(), 2)),
      Map.entry("run", new Spec(Cli.opts(), 1)),
      Map.entry("interrupt", new Spec(Cli.opts(), 1)),
      Map.entry("cleanup", new Spec(Cli.opts(), 1)),
      Map.entry("add-agents", new Spec(Cli.opts(), 2)),
      Map.entry("remove-agents", new Spec(Cli.opts(), 2)),
      Map.entry("status", new Spec(Cli.opts("--lines"), 1)),
      Map.entry("list", new Spec(Cli.opts(), 0)),
      Map.entry("delete", new Spec(Cli.opts(), 1)));

  /** An answer that is not a success; the message is the server's. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final ObjectMapper json = new ObjectMapper();
  private OkHttpClient http;
  private Connection connection;

  ServiceCommand(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  int run(String[] argv) throws Exception {
    if (argv.length == 0 || List.of("--help", "-h", "help").contains(argv[0])) {
      (argv.length == 0 ? err : out).println("usage: " + USAGE + Cli.CONNECTION_HELP);
      return argv.length == 0 ? 2 : 0;
    }
    String command = argv[0];
    Spec spec = SPECS.get(command);
    if (spec == null) {
      err.println("paaskit service: unknown command '" + command + "'");
      err.println("usage: " + USAGE);
      return 2;
    }
    String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
    if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
      out.println("usage: " + USAGE + Cli.CONNECTION_HELP);
      return 0;
    }
    try {
      Args args = Args.parse(rest, spec.options(), Set.of(), Set.of(), spec.positionals());
      connection = Connection.resolve(env, args.get("--api"), args.get("--token"));
      http = new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS)
          .readTimeout(60, TimeUnit.SECONDS).build();
      try {
        return dispatch(command, args);
      } finally {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    } catch (Args.UsageException e) {
      err.println("paaskit service " + command + ": " + e.getMessage());
      err.println("usage: " + USAGE);
      return 2;
    } catch (Refused e) {
      err.println("paaskit service " + command + ": " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("paaskit service " + command + ": cannot reach the API at "
          + connection.apiUrl() + ": " + e.getMessage() + " (is 'paaskit serve' running?)");
      return 1;
    }
  }

  private int dispatch(String command, Args args) throws Exception {
    switch (command) {
      case "list" -> {
        JsonNode services = call("GET", List.of(), null).path("services");
        if (services.isEmpty()) {
          out.println("no generic services");
        }
        for (JsonNode s : services) {
          out.printf("%-24s %2d agent(s)  code %s%n", s.path("name").asText(),
              s.path("agents").size(), s.path("active_version").asText("none"));
        }
        return 0;
      }
      case "create-generic" -> {
        String name = args.required(0, "service name");
        int agents = args.intOption("--agents", 1);
        JsonNode s = call("POST", List.of(), body(Map.of("name", name, "type", "generic",
            "agents", agents)));
        out.println("created generic service " + name + " with " + agentList(s));
        return 0;
      }
      case "upload-code" -> {
        return upload(args.required(0, "service name"), args.required(1, "archive or folder"));
      }
      case "code-versions" -> {
        JsonNode code = call("GET", List.of(args.required(0, "service name"), "code"), null);
        String active = code.path("active_version").asText("");
        if (code.path("code_versions").isEmpty()) {
          out.println("no code versions");
        }
        for (JsonNode v : code.path("code_versions")) {
          String version = v.path("version").asText();
          out.printf("%s %-5s %-28s %10d bytes  sha256 %s%n", version.equals(active) ? "*" : " ",
              version, v.path("uploaded_at").asText(), v.path("size_bytes").asLong(),
              v.path("sha256").asText().substring(0, 12));
        }
        return 0;
      }
      case "activate" -> {
        String name = args.required(0, "service name");
        String version = args.required(1, "code version");
        return results("activated " + version + " of " + name + ": init.sh runs on each agent",
            call("POST", List.of(name, "code", version, "activate"), body(Map.of())));
      }
      case "run", "interrupt", "cleanup" -> {
        String name = args.required(0, "service name");
        return results(command + " sent to every agent of " + name,
            call("POST", List.of(name, command), body(Map.of())));
      }
      case "add-agents", "remove-agents" -> {
        String name = args.required(0, "service name");
        int count = count(args.required(1, "number of agents"));
        JsonNode s = call("POST", List.of(name, "agents",
            command.equals("add-agents") ? "add" : "remove"), body(Map.of("count", count)));
        out.println(name + " now has " + agentList(s));
        return 0;
      }
      case "status" -> {
        return status(args.required(0, "service name"), args.intOption("--lines", 3));
      }
      case "delete" -> {
        String name = args.required(0, "service name");
        call("DELETE", List.of(name), null);
        out.println("deleted generic service " + name);
        return 0;
      }
      default -> throw new IllegalStateException(command);
    }
  }

  private int upload(String name, String where) throws Exception {
    Path path = Path.of(where).toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new Args.UsageException("no archive or folder at " + path);
    }
    Path archive = path;
    boolean packed = Files.isDirectory(path);
    if (packed) {
      archive = Files.createTempFile("paaskit-code-", ".tar.gz");
      try (OutputStream o = Files.newOutputStream(archive)) {
        TarGzWriter.create().write(path, o);
      }
    }
    try {
      JsonNode v = call("PUT", List.of(name, "code"), RequestBody.create(archive.toFile(), BINARY));
      out.println("uploaded code version " + v.path("version").asText() + " of " + name + " ("
          + v.path("size_bytes").asLong() + " bytes, sha256 " + v.path("sha256").asText()
          .substring(0, 12) + "); activate it with: paaskit service activate " + name + " "
          + v.path("version").asText());
      return 0;
    } finally {
      if (packed) {
        Files.deleteIfExists(archive);
      }
    }
  }

  private int status(String name, int lines) throws Exception {
    JsonNode s = call("GET", List.of(name, "status"), null);
    out.println("service " + name + ", code version " + s.path("active_version").asText("none"));
    for (JsonNode a : s.path("agents")) {
      out.printf("%n%-16s %-6s %-15s host %s%n", a.path("id").asText(), a.path("role").asText(),
          a.path("ip").asText(), a.path("host").asText("-"));
      if (a.has("problem")) {
        out.println("  " + a.path("problem").asText());
        continue;
      }
      var scripts = a.path("scripts").fields();
      while (scripts.hasNext()) {
        var e = scripts.next();
        JsonNode r = e.getValue();
        String state = r.path("state").asText();
        String exit = r.hasNonNull("exit_code") ? "exit " + r.path("exit_code").asInt() : "";
        out.printf("  %-13s %-13s %-9s runs %d%n", e.getKey(), state, exit, r.path("runs").asInt());
        List<JsonNode> output = new java.util.ArrayList<>();
        r.path("last_lines").forEach(output::add);
        for (JsonNode line : output.subList(Math.max(0, output.size() - lines), output.size())) {
          out.println("      | " + line.asText());
        }
      }
    }
    return 0;
  }

  private int results(String done, JsonNode body) {
    boolean all = true;
    out.println(done);
    for (JsonNode r : body.path("results")) {
      boolean ok = r.path("ok").asBoolean();
      all &= ok;
      out.println("  " + r.path("agent_id").asText() + ": "
          + (ok ? "ok" : "refused: " + r.path("message").asText()));
    }
    return all ? 0 : 1;
  }

  private static String agentList(JsonNode service) {
    StringBuilder b = new StringBuilder();
    b.append(service.path("agents").size()).append(" agent(s):");
    for (JsonNode a : service.path("agents")) {
      b.append(' ').append(a.path("id").asText()).append(" (").append(a.path("role").asText())
          .append(", ").append(a.path("ip").asText()).append(')');
    }
    return b.toString();
  }

  private static int count(String text) throws Args.UsageException {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new Args.UsageException("N must be a whole number, not '" + text + "'");
    }
  }

  private RequestBody body(Map<String, Object> fields) throws IOException {
    return RequestBody.create(json.writeValueAsBytes(fields), JSON);
  }

  private JsonNode call(String method, List<String> segments, RequestBody body)
      throws IOException, Refused {
    HttpUrl.Builder url = HttpUrl.get(connection.apiUrl() + "/v1/services").newBuilder();
    segments.forEach(url::addPathSegment);
    Request request = new Request.Builder().url(url.build()).method(method, body)
        .header("Authorization", "Bearer " + connection.token().reveal()).build();
    try (Response r = http.newCall(request).execute()) {
      byte[] bytes = r.body() == null ? new byte[0] : r.body().bytes();
      JsonNode answer = bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
      if (!r.isSuccessful()) {
        JsonNode error = answer.path("error");
        throw new Refused(error.path("message").asText("HTTP " + r.code()));
      }
      return answer;
    }
  }
}
