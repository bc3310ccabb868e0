package dev.paaskit.api.spi;

import java.nio.file.Path;
import java.util.List;
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
 * @param mounts host folders besides {@code workDir} the command needs, such as a staging's
 *     cache or a buildpack, seen at the same paths; an isolating backend shows the container
 *     nothing else of the host's writable state
 */
public record ContainerSpec(String id, Path workDir, String command, Map<String, String> env,
    ResourceLimits limits, ContainerListener listener, List<Mount> mounts) {
  /**
   * A host folder a container sees at the same path.
   *
   * @param path an absolute path to an existing folder
   * @param writable whether the container may write below it; read-only otherwise
   */
  public record Mount(Path path, boolean writable) {
    /**
     * Checks the path.
     *
     * @param path absolute, not null
     * @param writable as given
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if {@code path} is relative, naming it
     */
    public Mount {
      Objects.requireNonNull(path, "path");
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException("mount path must be absolute: " + path);
      }
      path = path.normalize();
    }
  }

  /**
   * A container that needs no folder but its work folder.
   *
   * @param id not null
   * @param workDir not null
   * @param command not null
   * @param env copied; null for empty
   * @param limits not null
   * @param listener null for none
   */
  public ContainerSpec(String id, Path workDir, String command, Map<String, String> env,
      ResourceLimits limits, ContainerListener listener) {
    this(id, workDir, command, env, limits, listener, List.of());
  }

  /**
   * Checks the parts are present and copies the environment and mounts; a null environment or
   * mount list is read as empty, a null listener as {@link ContainerListener#NONE}.
   *
   * @param id not null
   * @param workDir not null
   * @param command not null
   * @param env copied; null for empty
   * @param limits not null
   * @param listener null for none
   * @param mounts copied; null for none
   * @throws NullPointerException if {@code id}, {@code workDir}, {@code command} or
   *     {@code limits} is null, or {@code env} or {@code mounts} holds a null
   */
  public ContainerSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env == null ? Map.of() : env);
    Objects.requireNonNull(limits, "limits");
    listener = listener == null ? ContainerListener.NONE : listener;
    mounts = List.copyOf(mounts == null ? List.of() : mounts);
  }

  @Override
  public String toString() {
    // env may hold secrets.
    return "ContainerSpec{" + id + ", workDir=" + workDir + ", command=" + command
        + ", env=" + env.keySet() + ", " + limits + (mounts.isEmpty() ? "" : ", mounts=" + mounts)
        + "}";
  }
}
