package dev.paaskit.api.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns an app's files into something a node can run, as a buildpack or an OpenShift cartridge
 * does: detect, then stage (compile and release).
 *
 * <p>Implementations are stateless and thread-safe; two stagings may run at once in different
 * folders.
 */
public interface Cartridge {
  /** The short name users select it by, such as {@code python}. */
  String name();

  /** The cartridge's own version; a change invalidates cached droplets it staged. */
  String version();

  /** Looks at the files in {@code appDir} without changing them. */
  Detection detect(Path appDir) throws IOException;

  /**
   * Prepares {@code context.buildDir()} to run and says how to start it.
   *
   * @throws dev.paaskit.api.StagingException with the output when the build fails
   */
  StagingResult stage(StagingContext context) throws IOException;
}
