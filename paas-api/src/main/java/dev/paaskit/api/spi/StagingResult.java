package dev.paaskit.api.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a cartridge's staging produced, besides the files in the build folder. Immutable.
 *
 * @param command how to start the app's web process, as a shell command run in the droplet's
 *     root with {@code PORT} set
 * @param env variables every instance gets, such as {@code PYTHONUNBUFFERED}
 */
public record StagingResult(String command, Map<String, String> env) {
  /**
   * Checks the command and copies the environment; a null environment is read as empty.
   *
   * @param command not null nor blank
   * @param env copied; null for empty
   * @throws IllegalArgumentException if {@code command} is blank
   * @throws NullPointerException if {@code command} is null, or {@code env} holds a null key or
   *     value
   */
  public StagingResult {
    Objects.requireNonNull(command, "command");
    if (command.isBlank()) {
      throw new IllegalArgumentException("command must not be blank");
    }
    env = Map.copyOf(env == null ? Map.of() : env);
  }
}
