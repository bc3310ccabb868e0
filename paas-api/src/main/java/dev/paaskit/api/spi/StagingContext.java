package dev.paaskit.api.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a cartridge stages in. Immutable; its {@code toString} shows the names of the
 * environment variables, never their values.
 *
 * <p>A cartridge runs the code of a staging (its build tools, a buildpack's scripts) through
 * {@link #backend()}, each command a short-lived container that is removed once it ended: its
 * {@link ContainerSpec#workDir() workDir} the build folder, the cache folder a writable
 * {@linkplain ContainerSpec.Mount mount}, the cartridge's own files read-only mounts, its limits
 * {@link #limits()}, and its environment complete (nothing of the server's is inherited). An
 * isolating backend runs it as a user of its own and makes the work folder and the writable
 * mounts, with what they hold when the container is created, writable by that user; the
 * cartridge and the stager read what it wrote there after it ended.
 *
 * @param appName the app being staged, for messages and cache folders
 * @param buildDir the app's files, writable; its content after staging becomes the droplet
 * @param cacheDir kept between stagings of the same app, for downloaded dependencies
 * @param env the app's environment, secrets excluded
 * @param log receives each line of staging output as it is produced
 * @param timeout how long the cartridge may still take: what is left of the staging's deadline
 *     once detection and pre-staging hooks ran; the cartridge stops what it started once it
 *     passes and fails with a {@code StagingException}
 * @param backend what runs the staging's commands, as above; a stager always gives one. Empty
 *     (a context made without one) runs them as processes of the server, beside it, as its own
 *     user: no isolation
 * @param limits what each container of the staging may use: the app's memory and disk where
 *     the stager knows them, else {@link #DEFAULT_LIMITS}
 */
public record StagingContext(String appName, Path buildDir, Path cacheDir,
    Map<String, String> env, Consumer<String> log, Duration timeout,
    Optional<ContainerBackend> backend, ResourceLimits limits) {
  /** The limits of a staging whose app's limits are not known: 1 GiB of memory, 4 GiB of disk. */
  public static final ResourceLimits DEFAULT_LIMITS =
      new ResourceLimits(1L << 30, 4L << 30, 1024);

  /**
   * A context without a backend, whose commands run as processes of the server, with
   * {@link #DEFAULT_LIMITS}.
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
  public StagingContext(String appName, Path buildDir, Path cacheDir, Map<String, String> env,
      Consumer<String> log, Duration timeout) {
    this(appName, buildDir, cacheDir, env, log, timeout, Optional.empty(), DEFAULT_LIMITS);
  }

  /**
   * Checks the parts are present and copies the environment; a null environment is read as
   * empty, a null log as one that drops every line, a null backend as empty and null limits as
   * {@link #DEFAULT_LIMITS}.
   *
   * @param appName not null
   * @param buildDir not null
   * @param cacheDir not null
   * @param env copied; null for empty
   * @param log null to drop the output
   * @param timeout not null; not checked otherwise
   * @param backend null or empty to run commands as processes of the server
   * @param limits null for {@link #DEFAULT_LIMITS}
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
    backend = backend == null ? Optional.empty() : backend;
    limits = limits == null ? DEFAULT_LIMITS : limits;
  }

  /**
   * This context with another timeout, such as what is left of the staging's deadline.
   *
   * @param timeout not null
   * @return a context that differs from this one in its timeout only
   * @throws NullPointerException if {@code timeout} is null
   */
  public StagingContext withTimeout(Duration timeout) {
    return new StagingContext(appName, buildDir, cacheDir, env, log, timeout, backend, limits);
  }

  @Override
  public String toString() {
    // env holds the app's variables.
    return "StagingContext{" + appName + ", buildDir=" + buildDir + ", cacheDir=" + cacheDir
        + ", env=" + env.keySet() + ", timeout=" + timeout + ", backend="
        + backend.map(ContainerBackend::name).orElse("none") + ", " + limits + "}";
  }
}
