package dev.paaskit.generic;

import java.util.Locale;

/**
 * The five scripts of a generic service's code version, as ConPaaS named them. Each runs in the
 * agent's work folder with {@code MY_IP}, {@code MY_ROLE}, {@code MASTER_IP} and
 * {@code AGENTS_JSON} set.
 */
public enum Script {
  /** Runs once per agent and activation of a code version, before any other script. */
  INIT,
  /** The service's work; only after init finished with 0, and never beside another script. */
  RUN,
  /** Runs after a script was stopped by an interrupt. */
  INTERRUPT,
  /**
   * Returns the agent to a clean state; the work folder is emptied after it and init runs again.
   */
  CLEANUP,
  /** Runs on the agents that remain after agents were added or removed. */
  NOTIFY;

  /**
   * The script's file name in a code version.
   *
   * @return the lower-case name and {@code .sh}, such as {@code init.sh}; at the top of the
   *     code archive
   */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT) + ".sh";
  }
}
