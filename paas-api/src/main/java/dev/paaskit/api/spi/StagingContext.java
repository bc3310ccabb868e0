package dev.paaskit.api.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a cartridge stages in. Immutable.
 *
 * @param appName the app being staged, for messages and cache folders
 * @param buildDir the app's files, writable; its content after staging becomes the droplet
 * @param cacheDir kept between stagings of the same app, for downloaded dependencies
 * @param env the app's environment, secrets excluded
 * @param log receives each line of staging output as it is produced
 * @param timeout how long the cartridge may still take: what is left of the staging's deadline
 *     once detection and pre-staging hooks ran; the cartridge stops what it started once it
 *     passes and fails with a {@code StagingException}
 */
public record StagingContext(String appName, Path buildDir, Path cacheDir,
    Map<String, String> env, Consumer<String> log, Duration timeout) {
  /**
   * Checks the parts are present and copies the environment; a null environment is read as
   * empty, a null log as one that drops every line.
   *
   * @param appName not null
   * @param buildDir not null
   * @param cacheDir not null
   * @param env copied; null for empty
   * @param log null to drop the output
   * @param timeout not null; not checked otherwise
   * @throws NullPointerException if {@code appName}, a folder or {@code timeout} is null, or
   *     {@code env} holds a null key or value
   */
  public StagingContext {
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(buildDir, "buildDir");
    Objects.requireNonNull(cacheDir, "cacheDir");
    env = Map.copyOf(env == null ? Map.of() : env);
    log = log == null ? line -> { } : log;
    Objects.requireNonNull(timeout, "timeout");
  }
}
