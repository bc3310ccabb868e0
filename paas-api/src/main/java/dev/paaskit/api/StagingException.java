package dev.paaskit.api;

import java.util.List;

/**
 * Staging did not produce a droplet: no cartridge recognised the files, a named cartridge does
 * not exist, a hook or a cartridge's compile step failed, or staging ran out of time.
 * {@link #output()} holds the last lines staging wrote. The app's previous droplet, if any, is
 * kept.
 */
public final class StagingException extends PaasException {
  /** The last lines of staging output, oldest first. */
  private final List<String> output;

  /**
   * A failed staging.
   *
   * @param message why staging failed, such as {@code no cartridge detected the app}
   * @param output the last lines of staging output, oldest first; copied, not null nor holding a
   *     null
   * @throws NullPointerException if {@code output} is or holds null
   */
  public StagingException(String message, List<String> output) {
    super(message);
    this.output = List.copyOf(output);
  }

  /**
   * A failed staging, caused by {@code cause}.
   *
   * @param message why staging failed
   * @param output the last lines of staging output, oldest first; copied, not null nor holding a
   *     null
   * @param cause the failure beneath it, such as the cartridge's {@link java.io.IOException}
   * @throws NullPointerException if {@code output} is or holds null
   */
  public StagingException(String message, List<String> output, Throwable cause) {
    super(message, cause);
    this.output = List.copyOf(output);
  }

  /**
   * The last lines of staging output.
   *
   * @return the lines, oldest first, without line terminators; empty when none was produced.
   *     Unmodifiable
   */
  public List<String> output() {
    return output;
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code staging_failed}
   */
  @Override
  public String code() {
    return "staging_failed";
  }
}
