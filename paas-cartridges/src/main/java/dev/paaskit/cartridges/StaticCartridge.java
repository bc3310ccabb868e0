package dev.paaskit.cartridges;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Static sites: an {@code index.html} at the top or in {@code public/}. Staging copies the
 * JDK-only {@link StaticFileServer} class into {@code .paaskit/static} and runs it on
 * {@code $PORT}, serving the folder that holds the index.
 */
final class StaticCartridge implements Cartridge {
  static final String SERVER_DIR = ".paaskit/static";

  private static final String SERVER_CLASS_FILE =
      StaticFileServer.class.getName().replace('.', '/') + ".class";

  @Override
  public String name() {
    return "static";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public Detection detect(Path appDir) {
    return siteRoot(appDir)
        .map(root -> Detection.yes(root.equals(".") ? "index.html" : root + "/index.html"))
        .orElseGet(() -> Detection.no("static: index.html at the top or in public/"));
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    Path buildDir = context.buildDir();
    Optional<String> web = AppFiles.procfileWeb(buildDir);
    if (web.isPresent()) {
      return new StagingResult(web.get(), Map.of());
    }
    String root = siteRoot(buildDir).orElseThrow(() -> new StagingException(
        "no index.html at the top or in public/", List.of()));
    Path target = buildDir.resolve(SERVER_DIR).resolve(SERVER_CLASS_FILE);
    Files.createDirectories(target.getParent());
    try (InputStream in = StaticCartridge.class.getClassLoader()
        .getResourceAsStream(SERVER_CLASS_FILE)) {
      if (in == null) {
        throw new IllegalStateException("the class file " + SERVER_CLASS_FILE
            + " is missing from the paas-cartridges classpath");
      }
      Files.copy(in, target);
    }
    context.log().accept("-----> Serving " + root + " with the built-in static file server");
    return new StagingResult("exec " + AppFiles.JAVA + " $JAVA_OPTS -cp " + SERVER_DIR + " "
        + StaticFileServer.class.getName() + " " + root, Map.of());
  }

  /** The folder holding the site's index.html: "." or "public". */
  private static Optional<String> siteRoot(Path appDir) {
    if (AppFiles.hasFile(appDir, "index.html")) {
      return Optional.of(".");
    }
    if (AppFiles.hasFile(appDir, "public/index.html")) {
      return Optional.of("public");
    }
    return Optional.empty();
  }
}
