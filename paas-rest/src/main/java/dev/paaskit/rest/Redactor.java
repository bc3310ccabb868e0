package dev.paaskit.rest;

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
final class Redactor {
  static final int MIN_LENGTH = 4;
  static final Redactor NONE = new Redactor(List.of());

  private final List<String> values;

  private Redactor(List<String> values) {
    this.values = values;
  }

  static Redactor of(AppSpec spec) {
    List<String> values = spec.secretEnv().values().stream()
        .map(Secret::reveal)
        .filter(v -> v.length() >= MIN_LENGTH)
        .distinct()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
    return values.isEmpty() ? NONE : new Redactor(values);
  }

  static Redactor of(Optional<AppSpec> spec) {
    return spec.map(Redactor::of).orElse(NONE);
  }

  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String value : values) {
      out = out.replace(value, Dto.REDACTED_TEXT);
    }
    return out;
  }
}
