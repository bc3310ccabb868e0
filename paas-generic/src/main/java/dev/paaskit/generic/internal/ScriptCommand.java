package dev.paaskit.generic.internal;

import dev.paaskit.generic.Script;
import java.util.Objects;

/**
 * A command to one agent: run, interrupt or clean up. An agent answers a repeated
 * {@code commandId} with its first answer and does nothing else.
 */
public record ScriptCommand(String commandId, Script script) {
  public ScriptCommand {
    Objects.requireNonNull(commandId, "commandId");
    if (script != Script.RUN && script != Script.INTERRUPT && script != Script.CLEANUP) {
      throw new IllegalArgumentException("only run, interrupt and cleanup are commands, not "
          + script);
    }
  }
}
