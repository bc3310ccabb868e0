package dev.paaskit.manifest;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which PaaSKit cartridge stands for a Cloud Foundry buildpack or a Stackato framework. A name
 * with no PaaSKit match is kept as it is, so that staging reports it as an unknown cartridge
 * rather than silently detecting another one.
 */
final class Buildpacks {
  private static final Map<String, String> BY_NAME = Map.ofEntries(
      Map.entry("python_buildpack", "python"),
      Map.entry("nodejs_buildpack", "node"),
      Map.entry("java_buildpack", "java"),
      Map.entry("java_buildpack_offline", "java"),
      Map.entry("staticfile_buildpack", "static"),
      Map.entry("binary_buildpack", "procfile"));

  /** The language of a buildpack repository: heroku-buildpack-x, or Cloud Foundry's x-buildpack. */
  private static final Map<String, String> BY_LANGUAGE = Map.of(
      "python", "python",
      "nodejs", "node",
      "node", "node",
      "java", "java",
      "static", "static",
      "staticfile", "static",
      "binary", "procfile");

  private static final Map<String, String> BY_FRAMEWORK = Map.of(
      "python", "python",
      "node", "node",
      "nodejs", "node",
      "java", "java",
      "java_web", "java",
      "java_ee", "java",
      "static", "static");

  private static final Pattern REPOSITORY =
      Pattern.compile("(?:heroku-buildpack-([a-z0-9]+)|([a-z0-9]+)-buildpack)");

  private Buildpacks() {
  }

  /** The cartridge for a buildpack name or URL; empty for {@code default} and {@code null}. */
  static Optional<String> cartridge(String buildpack) {
    String text = buildpack.strip();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.isEmpty() || lower.equals("default") || lower.equals("null")) {
      return Optional.empty();
    }
    String known = BY_NAME.get(lower);
    if (known != null) {
      return Optional.of(known);
    }
    if (lower.contains("://") || lower.startsWith("git@")) {
      String repository = lower.replaceFirst("#.*$", "").replaceFirst("/+$", "")
          .replaceFirst("\\.git$", "");
      repository = repository.substring(repository.lastIndexOf('/') + 1);
      Matcher m = REPOSITORY.matcher(repository);
      if (m.matches()) {
        String language = m.group(1) != null ? m.group(1) : m.group(2);
        String cartridge = BY_LANGUAGE.get(language);
        if (cartridge != null) {
          return Optional.of(cartridge);
        }
      }
    }
    return Optional.of(text);
  }

  /** The cartridge for a Stackato {@code framework} type such as {@code python} or {@code perl}. */
  static Optional<String> forFramework(String type) {
    String lower = type.strip().toLowerCase(Locale.ROOT);
    if (lower.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(BY_FRAMEWORK.getOrDefault(lower, lower));
  }
}
