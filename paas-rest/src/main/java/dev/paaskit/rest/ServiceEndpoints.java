package dev.paaskit.rest;

import dev.paaskit.generic.AgentOutcome;
import dev.paaskit.generic.AgentReport;
import dev.paaskit.generic.AgentStatus;
import dev.paaskit.generic.GenericService;
import dev.paaskit.generic.GenericServices;
import dev.paaskit.generic.Script;
import dev.paaskit.generic.ScriptReport;
import dev.paaskit.generic.ServiceStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of generic services under {@code /v1/services}; docs/rest-api.md shows every
 * shape. Added to the API only when the server was given a {@link GenericServices}.
 */
final class ServiceEndpoints {
  /** {@code POST /v1/services}. */
  record CreateJson(String name, String type, Integer agents) {}

  /** {@code POST /v1/services/{name}/agents/add} and {@code /remove}. */
  record CountJson(Integer count) {}

  private final GenericServices services;
  private final Path uploadDir;
  private final long maxUploadBytes;

  ServiceEndpoints(GenericServices services, Path uploadDir, long maxUploadBytes) {
    this.services = services;
    this.uploadDir = uploadDir;
    this.maxUploadBytes = maxUploadBytes;
  }

  Routes addTo(Routes routes) {
    return routes
        .add("GET", "/v1/services", r -> r.respond(200, Map.of("services", services.list())))
        .add("POST", "/v1/services", this::create)
        .add("GET", "/v1/services/{name}", r -> r.respond(200, services.get(r.param("name"))))
        .add("DELETE", "/v1/services/{name}", r -> {
          services.delete(r.param("name"));
          r.respond(204, null);
        })
        .add("GET", "/v1/services/{name}/status", this::status)
        .add("PUT", "/v1/services/{name}/code", this::upload)
        .add("GET", "/v1/services/{name}/code", r -> {
          GenericService s = services.get(r.param("name"));
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("code_versions", s.codeVersions());
          body.put("active_version", s.activeVersion());
          r.respond(200, body);
        })
        .add("POST", "/v1/services/{name}/code/{version}/activate", r -> results(r,
            services.activate(r.param("name"), r.param("version"))))
        .add("POST", "/v1/services/{name}/run", r -> results(r, services.run(r.param("name"))))
        .add("POST", "/v1/services/{name}/interrupt",
            r -> results(r, services.interrupt(r.param("name"))))
        .add("POST", "/v1/services/{name}/cleanup",
            r -> results(r, services.cleanup(r.param("name"))))
        .add("POST", "/v1/services/{name}/agents/add", r -> r.respond(200,
            services.addAgents(r.param("name"), count(r))))
        .add("POST", "/v1/services/{name}/agents/remove", r -> r.respond(200,
            services.removeAgents(r.param("name"), count(r))));
  }

  private void create(ApiRequest r) throws IOException {
    CreateJson json = r.json(CreateJson.class);
    if (json.name() == null) {
      throw HttpError.badRequest("name", "field 'name' is required");
    }
    if (json.type() != null && !json.type().equals("generic")) {
      throw HttpError.badRequest("type", "the only service type is 'generic', not '"
          + Routes.printable(json.type()) + "'");
    }
    GenericService s = services.create(json.name(), json.agents() == null ? 1 : json.agents());
    r.exchange().getResponseHeaders().set("Location", "/v1/services/" + s.name());
    r.respond(201, s);
  }

  private void upload(ApiRequest r) throws IOException {
    String name = r.param("name");
    services.get(name);
    Path file = UploadBody.receive(r, uploadDir, maxUploadBytes, "maxTotalBytes");
    try {
      r.respond(201, services.uploadCode(name, file));
    } finally {
      Uploads.delete(file);
    }
  }

  private void status(ApiRequest r) throws IOException {
    ServiceStatus status = services.status(r.param("name"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", status.service().name());
    body.put("active_version", status.service().activeVersion());
    body.put("agents", status.agents().stream().map(ServiceEndpoints::agent).toList());
    r.respond(200, body);
  }

  private static Map<String, Object> agent(AgentStatus s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", s.agent().id());
    out.put("ip", s.agent().ip());
    out.put("role", s.agent().role());
    out.put("host", s.hostId());
    AgentReport report = s.report();
    if (report == null) {
      out.put("problem", s.problem());
      return out;
    }
    out.put("code_version", report.codeVersion());
    out.put("running", report.running() == null ? null : report.running().fileName());
    Map<String, ScriptReport> scripts = new LinkedHashMap<>();
    for (Script script : Script.values()) {
      scripts.put(script.fileName(), report.script(script));
    }
    out.put("scripts", scripts);
    return out;
  }

  private static void results(ApiRequest r, List<AgentOutcome> outcomes) throws IOException {
    r.respond(200, Map.of("results", outcomes));
  }

  private static int count(ApiRequest r) throws IOException {
    CountJson json = r.json(CountJson.class);
    if (json.count() == null) {
      throw HttpError.badRequest("count", "field 'count' is required");
    }
    return json.count();
  }
}
