package dev.paaskit.rest;

import dev.paaskit.api.spi.CartridgeCatalog;
import dev.paaskit.api.spi.CartridgeInfo;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The routes of a {@link CartridgeCatalog}, when the server was given one:
 * {@code GET /v1/cartridges}, {@code POST /v1/cartridges} with {@code {"url": "..."}} (201 and
 * the cartridge; a refusal is 422 {@code cartridge_refused} or
 * {@code invalid_cartridge_manifest}), and {@code DELETE /v1/cartridges/{name}} (200 and what
 * was removed). docs/rest-api.md shows the shapes.
 */
final class CartridgeEndpoints {
  /** A cartridge as the API shows it. */
  record CartridgeJson(String name, String displayName, String vendor, String version,
      List<String> versions, String cartridgeVersion, boolean builtin, String source,
      String sha256) {
    static CartridgeJson of(CartridgeInfo i) {
      return new CartridgeJson(i.name(), i.displayName(), i.vendor(), i.version(), i.versions(),
          i.cartridgeVersion(), i.builtin(), i.source().isEmpty() ? null : i.source(),
          i.sha256().isEmpty() ? null : i.sha256());
    }
  }

  record AddJson(String url) {}

  private final CartridgeCatalog catalog;
  private final dev.paaskit.api.Controller controller;

  private CartridgeEndpoints(CartridgeCatalog catalog, dev.paaskit.api.Controller controller) {
    this.catalog = catalog;
    this.controller = controller;
  }

  static void addTo(Routes routes, CartridgeCatalog catalog, dev.paaskit.api.Controller controller) {
    CartridgeEndpoints e = new CartridgeEndpoints(catalog, controller);
    routes.add("GET", "/v1/cartridges", r -> r.respond(200, Map.of("cartridges",
            catalog.list().stream().map(CartridgeJson::of).toList())))
        .add("POST", "/v1/cartridges", e::add)
        .add("DELETE", "/v1/cartridges/{name}", r -> r.respond(200, Map.of("removed",
            catalog.remove(r.param("name")).stream().map(CartridgeJson::of).toList())))
        .add("POST", "/v1/apps/{name}/control", e::control);
  }

  /** {@code {"action": "restart" | "tidy"}}: 202, carried out by each gear of the app soon. */
  private void control(ApiRequest r) throws IOException {
    ControlJson json = r.json(ControlJson.class);
    if (json.action() == null || json.action().isBlank()) {
      throw HttpError.badRequest("action", "field 'action' is required: restart or tidy");
    }
    controller.get(r.param("name"));
    catalog.control(r.param("name"), json.action());
    r.respond(202, Map.of("app", r.param("name"), "action", json.action()));
  }

  record ControlJson(String action) {}

  private void add(ApiRequest r) throws IOException {
    AddJson json = r.json(AddJson.class);
    if (json.url() == null || json.url().isBlank()) {
      throw HttpError.badRequest("url", "field 'url' is required: the cartridge manifest's URL");
    }
    r.respond(201, CartridgeJson.of(catalog.add(json.url())));
  }
}
