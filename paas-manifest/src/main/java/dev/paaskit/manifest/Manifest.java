package dev.paaskit.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one manifest file says: its apps in file order and the warnings reading it produced
 * (unknown or unsupported keys, deprecated forms), each naming the key and its line. A caller
 * shows every warning to the user; none of them stops a push. Immutable.
 *
 * @param source the file or source name the manifest was read from, for messages
 */
public record Manifest(String source, List<ManifestApp> apps, List<String> warnings) {
  public Manifest {
    Objects.requireNonNull(source, "source");
    apps = List.copyOf(apps);
    warnings = List.copyOf(warnings);
  }

  /** The app named {@code name}, if the manifest has one. */
  public Optional<ManifestApp> app(String name) {
    return apps.stream().filter(a -> a.name().filter(name::equals).isPresent()).findFirst();
  }
}
