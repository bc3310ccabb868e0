package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the CLI finds the API and its token. The API: {@code PAASKIT_API}, else {@code --api},
 * else the default port on 127.0.0.1. The token: {@code PAASKIT_TOKEN}, else {@code --token},
 * else the file {@code $PAASKIT_HOME/admin-token} that {@code serve} writes.
 */
record Connection(String apiUrl, Secret token) {
  static final int DEFAULT_API_PORT = 8421;
  static final int DEFAULT_ROUTER_PORT = 8420;

  static Connection resolve(Map<String, String> env, Optional<String> apiFlag,
      Optional<String> tokenFlag) throws Args.UsageException {
    String api = Optional.ofNullable(env.get("PAASKIT_API")).filter(s -> !s.isBlank())
        .or(() -> apiFlag).orElse("http://127.0.0.1:" + DEFAULT_API_PORT);
    api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
    Optional<String> token = Optional.ofNullable(env.get("PAASKIT_TOKEN"))
        .filter(s -> !s.isBlank()).or(() -> tokenFlag);
    if (token.isPresent()) {
      return new Connection(api, Secret.of(token.get().trim()));
    }
    Path file = home(env).resolve("admin-token");
    try {
      return new Connection(api, AdminToken.read(file));
    } catch (IOException e) {
      throw new Args.UsageException("no API token: set PAASKIT_TOKEN, pass --token, or run "
          + "'paaskit serve' on this machine so that " + file + " exists");
    }
  }

  /** {@code $PAASKIT_HOME}, else {@code ~/.paaskit}. */
  static Path home(Map<String, String> env) {
    String home = env.get("PAASKIT_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    return Path.of(System.getProperty("user.home"), ".paaskit");
  }
}
