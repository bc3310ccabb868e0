package dev.paaskit.samples.microcloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code paaskit cartridges} and {@code paaskit cartridge add URL | remove NAME | control APP
 * ACTION}.
 */
final class CartridgeCommands {
  static final String USAGE = "paaskit cartridge add URL | paaskit cartridge remove NAME\n"
      + "       | paaskit cartridge control APP restart|tidy\n"
      + "  add: URL is a cartridge's metadata/manifest.yml (OpenShift format); the server downloads\n"
      + "  it and its Source-Url, verifies Source-Sha256 or Source-Md5, and offers the cartridge to\n"
      + "  'paaskit push --cartridge NAME'. HTTPS only, unless the server runs with\n"
      + "  --allow-http-cartridges.\n"
      + "  remove: new pushes can no longer select NAME; apps staged with it keep running.\n"
      + "  control: every running gear of APP runs its cartridge's bin/control restart or tidy\n"
      + "  at its next status check (within a second); the output goes to the app's logs.";

  private final PrintStream out;
  private final ApiClient client;

  CartridgeCommands(PrintStream out, ApiClient client) {
    this.out = out;
    this.client = client;
  }

  int run(String command, Args args) throws IOException, Args.UsageException {
    if (command.equals("cartridges")) {
      return list();
    }
    String verb = args.required(0, "add URL, remove NAME or control APP ACTION");
    String what = args.required(1, verb.equals("add") ? "manifest URL"
        : verb.equals("control") ? "app name" : "cartridge name");
    switch (verb) {
      case "control": {
        String action = args.required(2, "action: restart or tidy");
        client.send("POST", "/v1/apps/" + what + "/control", Map.of("action", action));
        out.println("asked every gear of " + what + " to run bin/control " + action
            + "; see 'paaskit logs " + what + "'");
        return 0;
      }
      case "add": {
        JsonNode c = client.send("POST", "/v1/cartridges", Map.of("url", what));
        out.println("added " + c.path("vendor").asText() + "/" + c.path("name").asText() + " "
            + c.path("version").asText() + " (cartridge " + c.path("cartridge_version").asText()
            + "), files verified, sha256 " + c.path("sha256").asText());
        out.println("push with: paaskit push --cartridge " + c.path("name").asText());
        return 0;
      }
      case "remove": {
        JsonNode removed = client.send("DELETE", "/v1/cartridges/" + what, null).path("removed");
        for (JsonNode c : removed) {
          out.println("removed " + c.path("vendor").asText() + "/" + c.path("name").asText()
              + " (cartridge " + c.path("cartridge_version").asText() + ")");
        }
        return 0;
      }
      default:
        throw new Args.UsageException("unknown cartridge command '" + verb
            + "': add, remove or control");
    }
  }

  private int list() throws IOException {
    JsonNode all = client.send("GET", "/v1/cartridges", null).path("cartridges");
    out.printf("%-14s %-14s %-20s %-12s %s%n", "name", "vendor", "versions", "cartridge", "source");
    for (JsonNode c : all) {
      List<String> versions = new ArrayList<>();
      c.path("versions").forEach(v -> versions.add(v.asText()));
      out.printf("%-14s %-14s %-20s %-12s %s%n", c.path("name").asText(),
          c.path("vendor").asText(), String.join(",", versions),
          c.path("cartridge_version").asText(),
          c.path("builtin").asBoolean() ? "built in" : c.path("source").asText());
    }
    return 0;
  }
}
