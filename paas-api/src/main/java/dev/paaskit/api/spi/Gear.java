package dev.paaskit.api.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An instance prepared as a cartridge gear: what to run instead of the staged command, and what
 * to do once the instance has ended for good. Immutable; its {@code toString} shows the names of
 * the environment variables, never their values.
 *
 * @param command the shell command the node runs in the instance's folder
 * @param env the complete environment for it
 * @param teardown runs once after the instance's processes ended, before its folder is deleted:
 *     the cartridge's teardown, extra ports released; must not throw
 * @param control asks the running gear to carry out one of {@link #ACTIONS} soon, such as
 *     {@code bin/control tidy}; returns at once and must not throw
 */
public record Gear(String command, Map<String, String> env, Runnable teardown,
    Consumer<String> control) {
  /** The control actions a running gear carries out when asked. */
  public static final Set<String> ACTIONS = Set.of("restart", "tidy");

  /**
   * Checks the parts are present and copies the environment.
   *
   * @param command not null
   * @param env copied; not null, nor holding a null key or value
   * @param teardown not null
   * @param control not null
   * @throws NullPointerException if a part is null, or {@code env} holds a null
   */
  public Gear {
    Objects.requireNonNull(command, "command");
    env = Map.copyOf(env);
    Objects.requireNonNull(teardown, "teardown");
    Objects.requireNonNull(control, "control");
  }

  /**
   * A gear that carries out no control actions: a control request is ignored.
   *
   * @param command the shell command the node runs in the instance's folder; not null
   * @param env the complete environment for it; copied, not null
   * @param teardown runs once after the instance's processes ended; not null
   * @throws NullPointerException if a part is null, or {@code env} holds a null
   */
  public Gear(String command, Map<String, String> env, Runnable teardown) {
    this(command, env, teardown, action -> { });
  }

  /**
   * The subject on which the cartridge catalog asks every gear of an app for a control action;
   * each node subscribes to it. A bus with a subject prefix adds the prefix on the wire.
   */
  public static final String CONTROL_SUBJECT = "paaskit.gear.control";

  /**
   * What travels on {@link #CONTROL_SUBJECT}, as JSON.
   *
   * @param appName the app whose running gears carry out the action
   * @param action one of {@link #ACTIONS}
   */
  public record ControlRequest(String appName, String action) {}

  @Override
  public String toString() {
    return "Gear{" + command + ", env=" + env.keySet() + "}";
  }
}
