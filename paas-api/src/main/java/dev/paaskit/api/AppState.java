package dev.paaskit.api;

/**
 * What the user asked of an app. A STARTED app should have its instances running; the health
 * manager makes it so, or stops them, level by level rather than once.
 */
public enum AppState {
  /** No instance should run: a new app, or one {@link Controller#stop stopped}. */
  STOPPED,
  /**
   * {@link AppSpec#instances()} instances should run its droplet: set by
   * {@link Controller#start start}, {@link Controller#restart restart} and
   * {@link Controller#push push}.
   */
  STARTED
}
