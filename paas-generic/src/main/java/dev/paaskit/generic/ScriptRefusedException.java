package dev.paaskit.generic;

import dev.paaskit.api.PaasException;

/**
 * A script command was refused: another script runs, init has not finished, or no code version
 * is active. The message names the agent and, when one runs, the script.
 */
public final class ScriptRefusedException extends PaasException {
  private static final long serialVersionUID = 1L;

  public ScriptRefusedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "script_refused";
  }
}
