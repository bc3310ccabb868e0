package dev.paaskit.api.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns an app's files into something a node can run, as a buildpack or an OpenShift cartridge
 * does: detect, then stage (compile and release).
 *
 * <p>Implementations are stateless and thread-safe; two stagings may run at once in different
 * folders. A stager calls them on its own threads, where blocking is expected.
 * {@code CartridgeSourceContract} in paas-testing holds the tests every cartridge must pass.
 */
public interface Cartridge {
  /**
   * The short name users select it by, such as {@code python}.
   *
   * @return a name, not blank, unique within its {@link CartridgeSource}; the same on each call
   */
  String name();

  /**
   * The cartridge's own version; a change invalidates cached droplets it staged.
   *
   * @return a version, not blank; the same on each call while the cartridge's behaviour is
   */
  String version();

  /**
   * Looks at the files in {@code appDir} without changing them, nor anything else.
   *
   * @param appDir the app's files, as uploaded
   * @return whether the files are this cartridge's, with an explanation that is never blank; the
   *     same answer for the same files
   * @throws IOException when the files cannot be read
   */
  Detection detect(Path appDir) throws IOException;

  /**
   * Looks at the files of a staging's build folder, as {@link #detect(Path)} does; a stager
   * calls this one. A cartridge that runs code of its own to decide, as a buildpack's
   * {@code bin/detect}, runs it through the context's {@link StagingContext#backend() backend},
   * within the context's timeout.
   *
   * @param context the staging: its build folder holds the app's files, as uploaded
   * @return as {@link #detect(Path)}; by default {@code detect(context.buildDir())}
   * @throws IOException when the files cannot be read
   */
  default Detection detect(StagingContext context) throws IOException {
    return detect(context.buildDir());
  }

  /**
   * Prepares {@code context.buildDir()} to run and says how to start it. Writes only inside the
   * build and cache folders, sends each line of its output to the context's log as it is
   * written, and ends within the context's timeout, stopping what it started.
   *
   * @param context the folders, environment, log and timeout of this staging
   * @return how to start the app and what to add to its environment
   * @throws dev.paaskit.api.StagingException with the output when the build fails or runs out
   *     of time
   * @throws IOException when files cannot be read or written; the stager turns it into a
   *     {@code StagingException} naming the cartridge
   */
  StagingResult stage(StagingContext context) throws IOException;
}
