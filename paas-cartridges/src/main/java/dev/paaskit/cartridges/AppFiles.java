package dev.paaskit.cartridges;

import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.StagingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the built-in cartridges look for in an app's folder, and what they share to run it. */
final class AppFiles {
  /** The JVM of {@code JAVA_HOME} when it is set, else the {@code java} on the PATH. */
  static final String JAVA = "\"${JAVA_HOME:+$JAVA_HOME/bin/}java\"";

  private AppFiles() {
  }

  static boolean hasFile(Path appDir, String name) {
    return Files.isRegularFile(appDir.resolve(name));
  }

  /**
   * The Procfile's {@code web} command, which wins over a cartridge's own command.
   *
   * @throws StagingException naming the line when the Procfile is malformed
   */
  static Optional<String> procfileWeb(Path appDir) throws IOException {
    try {
      return Procfile.webCommand(appDir);
    } catch (InvalidSpecException e) {
      throw new StagingException(e.getMessage(), List.of(), e);
    }
  }

  /** {@code text} as one single-quoted shell word. */
  static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
