package dev.paaskit.samples.microcloud;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The sample apps bundled in this jar, copied out to a folder so they can be pushed. */
public final class SampleApps {
  private static final List<String> PYTHON = List.of("app.py");

  private SampleApps() {}

  /** Writes the hello-python sample into a new folder below {@code parent} and returns it. */
  public static Path helloPython(Path parent) throws IOException {
    return copy("hello-python", parent);
  }

  /**
   * Writes the whoami sample into a new folder below {@code parent} and returns it: a Python app
   * that answers {@code INSTANCE_ID on NODE_ID}, so a client can tell which instance answered.
   */
  public static Path whoami(Path parent) throws IOException {
    return copy("whoami", parent);
  }

  /** The instance id in a whoami answer. */
  static String whoamiInstance(String answer) {
    return answer.strip().split(" ", 2)[0];
  }

  private static Path copy(String app, Path parent) throws IOException {
    Path dir = Files.createDirectories(parent.resolve(app));
    for (String file : PYTHON) {
      try (InputStream in = SampleApps.class.getResourceAsStream("/sample-apps/" + app + "/" + file)) {
        if (in == null) {
          throw new IOException("sample file missing from the jar: " + app + "/" + file);
        }
        Files.copy(in, dir.resolve(file));
      }
    }
    return dir;
  }
}
