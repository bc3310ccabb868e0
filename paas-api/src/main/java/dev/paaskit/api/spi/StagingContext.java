package dev.paaskit.api.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a cartridge stages in.
 *
 * @param buildDir the app's files, writable; its content after staging becomes the droplet
 * @param cacheDir kept between stagings of the same app, for downloaded dependencies
 * @param env the app's environment, secrets excluded
 * @param log receives each line of staging output as it is produced
 * @param timeout how long staging may take in all
 */
public record StagingContext(String appName, Path buildDir, Path cacheDir,
    Map<String, String> env, Consumer<String> log, Duration timeout) {
  public StagingContext {
    Objects.requireNonNull(appName, "appName");
    Objects.requireNonNull(buildDir, "buildDir");
    Objects.requireNonNull(cacheDir, "cacheDir");
    env = Map.copyOf(env == null ? Map.of() : env);
    log = log == null ? line -> { } : log;
    Objects.requireNonNull(timeout, "timeout");
  }
}
