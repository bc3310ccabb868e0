package dev.paaskit.api;

import java.util.List;

/**
 * Stackato hooks: shell commands run in order at one point of an app's life, in the app's
 * folder with its environment. As in Stackato, a command that exits non-zero fails its phase: a
 * failing pre-staging or post-staging hook fails the staging and so aborts the push; a failing
 * pre-running hook ends the instance before the app starts, and it counts as a crash. Immutable
 * and thread-safe.
 *
 * @param preStaging run in the staging sandbox before the cartridge compiles the app
 * @param postStaging run in the staging sandbox after it compiled the app
 * @param preRunning run on the node before each instance starts
 */
public record Hooks(List<String> preStaging, List<String> postStaging, List<String> preRunning) {
  private static final Hooks NONE = new Hooks(List.of(), List.of(), List.of());

  /**
   * Copies the lists.
   *
   * @param preStaging copied; not null
   * @param postStaging copied; not null
   * @param preRunning copied; not null
   * @throws NullPointerException when a list or a command is null
   */
  public Hooks {
    preStaging = List.copyOf(preStaging);
    postStaging = List.copyOf(postStaging);
    preRunning = List.copyOf(preRunning);
  }

  /**
   * No hooks at all; what a spec gets when it sets none.
   *
   * @return always the same instance
   */
  public static Hooks none() {
    return NONE;
  }

  /**
   * Whether there is no hook at any point.
   *
   * @return true when all three lists are empty
   */
  public boolean isEmpty() {
    return preStaging.isEmpty() && postStaging.isEmpty() && preRunning.isEmpty();
  }
}
