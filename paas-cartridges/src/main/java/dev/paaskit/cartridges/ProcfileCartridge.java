package dev.paaskit.cartridges;

import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Any app whose {@code Procfile} names a {@code web} process; runs that command as it is. */
final class ProcfileCartridge implements Cartridge {
  private static final String LOOKS_FOR = "procfile: a Procfile with a web: process";

  @Override
  public String name() {
    return "procfile";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public Detection detect(Path appDir) throws IOException {
    try {
      return Procfile.webCommand(appDir).isPresent()
          ? Detection.yes("Procfile with a web process")
          : Detection.no(LOOKS_FOR);
    } catch (InvalidSpecException e) {
      return Detection.no(LOOKS_FOR + " (" + e.getMessage() + ")");
    }
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    String web = AppFiles.procfileWeb(context.buildDir()).orElseThrow(() ->
        new StagingException("the Procfile has no web: process", List.of()));
    return new StagingResult(web, Map.of());
  }
}
