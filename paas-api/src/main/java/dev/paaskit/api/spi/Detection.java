package dev.paaskit.api.spi;

import java.util.Objects;

/**
 * A cartridge's answer to "are these files yours?".
 *
 * @param explanation when detected, what matched ({@code app.py}); otherwise what the cartridge
 *     looks for ({@code app.py, or requirements.txt with a Procfile})
 */
public record Detection(boolean detected, String explanation) {
  public Detection {
    Objects.requireNonNull(explanation, "explanation");
  }

  public static Detection yes(String matched) {
    return new Detection(true, matched);
  }

  public static Detection no(String looksFor) {
    return new Detection(false, looksFor);
  }
}
