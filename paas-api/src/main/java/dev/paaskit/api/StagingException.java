package dev.paaskit.api;

import java.util.List;

/**
 * Staging did not produce a droplet: no cartridge recognised the files, or a cartridge's
 * compile step failed. {@link #output()} holds the last lines the cartridge wrote.
 */
public final class StagingException extends PaasException {
  private final List<String> output;

  public StagingException(String message, List<String> output) {
    super(message);
    this.output = List.copyOf(output);
  }

  public StagingException(String message, List<String> output, Throwable cause) {
    super(message, cause);
    this.output = List.copyOf(output);
  }

  /** The last lines of staging output, oldest first; empty when none was produced. */
  public List<String> output() {
    return output;
  }

  @Override
  public String code() {
    return "staging_failed";
  }
}
