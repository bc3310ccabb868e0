package dev.paaskit.generic;

import dev.paaskit.api.PaasException;

/**
 * A script command was refused: another script runs, init has not finished, or no code version
 * is active. The message names the agent and, when one runs, the script.
 */
public final class ScriptRefusedException extends PaasException {
  private static final long serialVersionUID = 1L;

  /**
   * A refusal explained by {@code message}.
   *
   * @param message names the agent (or every agent) and why it refused, for a user to read
   */
  public ScriptRefusedException(String message) {
    super(message);
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code script_refused}
   */
  @Override
  public String code() {
    return "script_refused";
  }
}
