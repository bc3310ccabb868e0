package dev.paaskit.api.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a cartridge's staging produced, besides the files in the build folder.
 *
 * @param command how to start the app's web process, as a shell command run in the droplet's
 *     root with {@code PORT} set
 * @param env variables every instance gets, such as {@code PYTHONUNBUFFERED}
 */
public record StagingResult(String command, Map<String, String> env) {
  public StagingResult {
    Objects.requireNonNull(command, "command");
    if (command.isBlank()) {
      throw new IllegalArgumentException("command must not be blank");
    }
    env = Map.copyOf(env == null ? Map.of() : env);
  }
}
