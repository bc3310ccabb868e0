package dev.paaskit.core.internal.util;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Secret;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Masks an app's secret values in text the API serves that the app itself wrote (its log lines,
 * crash output, events quoting them), so that an app printing its environment does not leak it
 * to every reader of its logs. Values shorter than {@value #MIN_LENGTH} characters are left
 * alone: masking them would garble ordinary words. Immutable.
 */
public final class Redactor {
  /** Values shorter than this many characters are not masked. */
  public static final int MIN_LENGTH = 4;
  /** What a secret value reads as once masked. */
  public static final String MASK = "******";
  /** Masks nothing. */
  public static final Redactor NONE = new Redactor(List.of());

  private final List<String> values;

  private Redactor(List<String> values) {
    this.values = values;
  }

  /** Masks the secret env values of {@code spec}. */
  public static Redactor of(AppSpec spec) {
    return ofValues(spec.secretEnv().values().stream().map(Secret::reveal).toList());
  }

  /** Masks {@code secretValues}, such as a stored spec's secret env values. */
  public static Redactor ofValues(java.util.Collection<String> secretValues) {
    List<String> values = secretValues.stream()
        .filter(v -> v.length() >= MIN_LENGTH)
        .distinct()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
    return values.isEmpty() ? NONE : new Redactor(values);
  }

  /** Masks the secret env values of {@code spec}, or nothing when it is empty. */
  public static Redactor of(Optional<AppSpec> spec) {
    return spec.map(Redactor::of).orElse(NONE);
  }

  /**
   * {@code text} with every secret value replaced by {@link #MASK}.
   *
   * @return null for null
   */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String value : values) {
      out = out.replace(value, MASK);
    }
    return out;
  }
}
