package dev.paaskit.core.cartridge;

import java.util.Map;
import java.util.Objects;

/**
 * An instance prepared as a cartridge gear: what to run instead of the staged command, and what
 * to do once the instance has ended for good.
 *
 * @param command the shell command the node runs in the instance's folder
 * @param env the complete environment for it
 * @param teardown runs once after the instance's processes ended, before its folder is deleted:
 *     the cartridge's teardown, extra ports released; must not throw
 */
public record Gear(String command, Map<String, String> env, Runnable teardown) {
  public Gear {
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env);
    Objects.requireNonNull(teardown, "teardown");
  }

  @Override
  public String toString() {
    return "Gear{" + command + ", env=" + env.keySet() + "}";
  }
}
