package dev.paaskit.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What to run in a container. Immutable; its {@code toString} shows the names of the
 * environment variables, never their values.
 *
 * @param id unique on the node; names the container in every later call
 * @param workDir a folder the node prepared (the droplet unpacked); the command runs in it and
 *     the container may write only below it where the backend can enforce that
 * @param command a shell command line, run by {@code /bin/sh -c}
 * @param env the complete environment; nothing is inherited from the node
 * @param limits what the backend enforces on the container, as far as it can
 * @param listener receives output lines and the exit
 */
public record ContainerSpec(String id, Path workDir, String command, Map<String, String> env,
    ResourceLimits limits, ContainerListener listener) {
  /**
   * Checks the parts are present and copies the environment; a null environment is read as
   * empty, a null listener as {@link ContainerListener#NONE}.
   *
   * @param id not null
   * @param workDir not null
   * @param command not null
   * @param env copied; null for empty
   * @param limits not null
   * @param listener null for none
   * @throws NullPointerException if {@code id}, {@code workDir}, {@code command} or
   *     {@code limits} is null, or {@code env} holds a null key or value
   */
  public ContainerSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env == null ? Map.of() : env);
    Objects.requireNonNull(limits, "limits");
    listener = listener == null ? ContainerListener.NONE : listener;
  }

  @Override
  public String toString() {
    // env may hold secrets.
    return "ContainerSpec{" + id + ", workDir=" + workDir + ", command=" + command
        + ", env=" + env.keySet() + ", " + limits + "}";
  }
}
