package dev.paaskit.samples.microcloud;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The sample apps bundled in this jar, copied out to a folder so they can be pushed. */
final class SampleApps {
  private static final List<String> HELLO_PYTHON = List.of("app.py");

  private SampleApps() {}

  /** Writes the hello-python sample into a new folder below {@code parent} and returns it. */
  static Path helloPython(Path parent) throws IOException {
    Path dir = Files.createDirectories(parent.resolve("hello-python"));
    for (String file : HELLO_PYTHON) {
      try (InputStream in = SampleApps.class.getResourceAsStream("/sample-apps/hello-python/" + file)) {
        if (in == null) {
          throw new IOException("sample file missing from the jar: " + file);
        }
        Files.copy(in, dir.resolve(file));
      }
    }
    return dir;
  }
}
