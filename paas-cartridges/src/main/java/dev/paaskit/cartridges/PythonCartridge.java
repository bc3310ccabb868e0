package dev.paaskit.cartridges;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python apps: {@code app.py}, or {@code requirements.txt} with a {@code Procfile}. Staging
 * installs the requirements with pip into {@code .paaskit/python}, which goes on
 * {@code PYTHONPATH} relative to the droplet's root.
 */
final class PythonCartridge implements Cartridge {
  static final String PACKAGES = ".paaskit/python";

  @Override
  public String name() {
    return "python";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public Detection detect(Path appDir) {
    if (AppFiles.hasFile(appDir, "app.py")) {
      return Detection.yes("app.py");
    }
    if (AppFiles.hasFile(appDir, "requirements.txt")
        && AppFiles.hasFile(appDir, Procfile.FILE_NAME)) {
      return Detection.yes("requirements.txt with a Procfile");
    }
    return Detection.no("python: app.py, or requirements.txt with a Procfile");
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    long deadline = BuildProcess.deadline(context);
    Path buildDir = context.buildDir();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PYTHONUNBUFFERED", "1");
    if (hasRequirements(buildDir.resolve("requirements.txt"))) {
      BuildProcess.run(context, deadline,
          List.of("python3", "-m", "pip", "install", "-r", "requirements.txt",
              "--target", PACKAGES),
          Map.of("PIP_CACHE_DIR", context.cacheDir().resolve("pip").toString(),
              "PIP_DISABLE_PIP_VERSION_CHECK", "1",
              "PIP_NO_INPUT", "1"));
      env.put("PYTHONPATH", PACKAGES);
    }
    String command = AppFiles.procfileWeb(buildDir).orElse("exec python3 app.py");
    return new StagingResult(command, env);
  }

  /** Whether the file has a line that is neither blank nor a comment. */
  private static boolean hasRequirements(Path requirements) throws IOException {
    if (!Files.isRegularFile(requirements)) {
      return false;
    }
    for (String line : Files.readAllLines(requirements, StandardCharsets.UTF_8)) {
      String text = line.strip();
      if (!text.isEmpty() && !text.startsWith("#")) {
        return true;
      }
    }
    return false;
  }
}
