package dev.paaskit.api;

import java.util.List;

/**
 * Stackato hooks: shell commands run in order at one point of an app's life, in the app's
 * folder with its environment. As in Stackato, a command that exits non-zero fails its phase: a
 * failing pre-staging or post-staging hook fails the staging and so aborts the push; a failing
 * pre-running hook ends the instance before the app starts, and it counts as a crash.
 *
 * @param preStaging run in the staging sandbox before the cartridge compiles the app
 * @param postStaging run in the staging sandbox after it compiled the app
 * @param preRunning run on the node before each instance starts
 */
public record Hooks(List<String> preStaging, List<String> postStaging, List<String> preRunning) {
  private static final Hooks NONE = new Hooks(List.of(), List.of(), List.of());

  /** @throws NullPointerException when a list or a command is null */
  public Hooks {
    preStaging = List.copyOf(preStaging);
    postStaging = List.copyOf(postStaging);
    preRunning = List.copyOf(preRunning);
  }

  public static Hooks none() {
    return NONE;
  }

  public boolean isEmpty() {
    return preStaging.isEmpty() && postStaging.isEmpty() && preRunning.isEmpty();
  }
}
