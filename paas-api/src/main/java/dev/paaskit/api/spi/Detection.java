package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * A cartridge's answer to "are these files yours?". Immutable and thread-safe.
 *
 * @param detected whether the cartridge can stage the files
 * @param explanation when detected, what matched ({@code app.py}); otherwise what the cartridge
 *     looks for ({@code app.py, or requirements.txt with a Procfile})
 */
public record Detection(boolean detected, String explanation) {
  /**
   * Checks the explanation is present.
   *
   * @param detected as given
   * @param explanation not null; a cartridge never gives a blank one
   * @throws NullPointerException if {@code explanation} is null
   */
  public Detection {
    Objects.requireNonNull(explanation, "explanation");
  }

  /**
   * The files are the cartridge's.
   *
   * @param matched what matched, such as {@code app.py}
   * @return a detection
   */
  public static Detection yes(String matched) {
    return new Detection(true, matched);
  }

  /**
   * The files are not the cartridge's.
   *
   * @param looksFor what the cartridge looks for, shown when no cartridge detects the files
   * @return a refusal
   */
  public static Detection no(String looksFor) {
    return new Detection(false, looksFor);
  }
}
