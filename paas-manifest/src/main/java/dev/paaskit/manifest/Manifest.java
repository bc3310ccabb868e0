package dev.paaskit.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one manifest file says: its apps in file order and the warnings reading it produced
 * (unknown or unsupported keys, deprecated forms, parts PaaSKit drops). A caller shows every
 * warning to the user; none of them stops a push. Immutable and thread-safe.
 *
 * @param source the file or source name the manifest was read from, for messages
 * @param apps the apps in file order; empty for an empty document. A Cloud Foundry manifest
 *     read by {@link ManifestParser} never holds two apps of one name, and a {@code stackato.yml}
 *     holds exactly one app unless it is empty
 * @param warnings one line each, ready to show, in the order of the lines they name: most say
 *     {@code at line N} and name the key path; one about the whole document (such as that it is
 *     empty) comes first and names the source instead. Never a {@code secret-env} value
 */
public record Manifest(String source, List<ManifestApp> apps, List<String> warnings) {
  /**
   * Copies the lists; nothing else is checked (the parser reads names and values, this record
   * only holds them).
   *
   * @param source not null
   * @param apps copied; not null, nor any element
   * @param warnings copied; not null, nor any element
   * @throws NullPointerException when a part or an element of a list is null
   */
  public Manifest {
    Objects.requireNonNull(source, "source");
    apps = List.copyOf(apps);
    warnings = List.copyOf(warnings);
  }

  /**
   * The app named {@code name}, the first in file order should the list hold several (a parsed
   * Cloud Foundry manifest cannot). Names are compared exactly, as the manifest wrote them
   * (stripped of surrounding blanks); an app without a name never matches.
   *
   * @param name the app name to look for; not null
   * @return the app, or empty when no app has that name
   */
  public Optional<ManifestApp> app(String name) {
    return apps.stream().filter(a -> a.name().filter(name::equals).isPresent()).findFirst();
  }
}
