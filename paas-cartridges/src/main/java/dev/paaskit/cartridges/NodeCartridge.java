package dev.paaskit.cartridges;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Node.js apps: a {@code package.json} with a {@code scripts.start}, or {@code server.js}.
 * Staging runs {@code npm install --omit=dev} when the package declares dependencies and
 * brought no {@code node_modules}.
 */
final class NodeCartridge implements Cartridge {
  private static final int MAX_PACKAGE_JSON_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "node";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public Detection detect(Path appDir) throws IOException {
    String problem = "";
    try {
      if (hasStartScript(packageJson(appDir))) {
        return Detection.yes("package.json with scripts.start");
      }
    } catch (StagingException e) {
      problem = " (" + e.getMessage() + ")";
    }
    if (AppFiles.hasFile(appDir, "server.js")) {
      return Detection.yes("server.js");
    }
    return Detection.no("node: package.json with a scripts.start, or server.js" + problem);
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    long deadline = BuildProcess.deadline(context);
    Path buildDir = context.buildDir();
    JsonNode pkg = packageJson(buildDir);
    JsonNode dependencies = pkg == null ? null : pkg.get("dependencies");
    if (dependencies != null && dependencies.size() > 0
        && !Files.isDirectory(buildDir.resolve("node_modules"))) {
      BuildProcess.run(context, deadline, List.of("npm", "install", "--omit=dev"),
          Map.of("npm_config_cache", context.cacheDir().resolve("npm").toString(),
              "npm_config_audit", "false",
              "npm_config_fund", "false",
              "npm_config_update_notifier", "false"));
    }
    String command = AppFiles.procfileWeb(buildDir)
        .orElse(hasStartScript(pkg) ? "exec npm start" : "exec node server.js");
    return new StagingResult(command, Map.of("NODE_ENV", "production"));
  }

  private static boolean hasStartScript(JsonNode pkg) {
    JsonNode start = pkg == null ? null : pkg.path("scripts").get("start");
    return start != null && start.isTextual() && !start.asText().isBlank();
  }

  /**
   * The parsed {@code package.json}, or null when there is none.
   *
   * @throws StagingException when it is too large or not a JSON object
   */
  private static JsonNode packageJson(Path appDir) throws IOException {
    Path file = appDir.resolve("package.json");
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    byte[] bytes;
    // Read as the server, after the app's code ran in its folder: a link is not followed.
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_PACKAGE_JSON_BYTES + 1);
    } catch (FileSystemException e) {
      throw new StagingException("package.json cannot be read as a plain file (a link is not "
          + "followed): " + e.getReason(), List.of(), e);
    }
    if (bytes.length > MAX_PACKAGE_JSON_BYTES) {
      throw new StagingException("package.json is larger than " + MAX_PACKAGE_JSON_BYTES
          + " bytes", List.of());
    }
    JsonNode pkg;
    try {
      pkg = JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw new StagingException("package.json is not valid JSON: " + e.getOriginalMessage(),
          List.of(), e);
    }
    if (pkg == null || !pkg.isObject()) {
      throw new StagingException("package.json does not hold a JSON object", List.of());
    }
    return pkg;
  }
}
