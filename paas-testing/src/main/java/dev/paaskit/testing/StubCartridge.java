package dev.paaskit.testing;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A cartridge for logic tests: recognises any folder holding a file named {@code web}, whose
 * first line becomes the start command, and builds nothing. Staging takes microseconds, writes
 * nothing, logs one line and adds {@code STUB=1} to the environment. Stateless and thread-safe.
 */
public final class StubCartridge implements Cartridge {
  /** The file that marks an app folder as the stub's, holding its start command. */
  public static final String MARKER = "web";

  @Override
  public String name() {
    return "stub";
  }

  @Override
  public String version() {
    return "1";
  }

  @Override
  public Detection detect(Path appDir) {
    return Files.isRegularFile(appDir.resolve(MARKER)) ? Detection.yes(MARKER)
        : Detection.no("a file named " + MARKER + " holding the start command");
  }

  @Override
  public StagingResult stage(StagingContext context) throws java.io.IOException {
    List<String> lines = Files.readAllLines(context.buildDir().resolve(MARKER));
    String command = lines.isEmpty() || lines.get(0).isBlank() ? "serve" : lines.get(0).trim();
    context.log().accept("stub cartridge: start command " + command);
    return new StagingResult(command, Map.of("STUB", "1"));
  }

  /**
   * A source holding only this cartridge: what a {@link TestCloud} stages with by default.
   *
   * @return a source of one stub cartridge
   */
  public static CartridgeSource source() {
    StubCartridge c = new StubCartridge();
    return () -> List.of(c);
  }

  /**
   * Writes an app folder the stub recognises, below {@code parent}: its {@code web} file holds
   * {@code serve <name>}.
   *
   * @param parent the folder to write in; created if missing
   * @param name the app's name, also the new folder's name
   * @return the new folder {@code parent/name}
   * @throws java.io.IOException if the folder or the file cannot be written
   */
  public static Path appFolder(Path parent, String name) throws java.io.IOException {
    Path dir = Files.createDirectories(parent.resolve(name));
    Files.writeString(dir.resolve(MARKER), "serve " + name + "\n");
    return dir;
  }
}
