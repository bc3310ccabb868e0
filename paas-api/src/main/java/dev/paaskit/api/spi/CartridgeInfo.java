package dev.paaskit.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * One installed cartridge as a listing shows it.
 *
 * @param version the default software version ({@code Version})
 * @param versions every software version offered, the default first
 * @param builtin true for a cartridge that ships with PaaSKit, which cannot be removed
 * @param source the manifest URL it was added from; empty for a built-in
 * @param sha256 the blob of its verified files; empty for a built-in
 */
public record CartridgeInfo(String name, String displayName, String vendor, String version,
    List<String> versions, String cartridgeVersion, boolean builtin, String source,
    String sha256) {
  public CartridgeInfo {
    Objects.requireNonNull(name, "name");
    displayName = Objects.requireNonNullElse(displayName, "");
    Objects.requireNonNull(vendor, "vendor");
    Objects.requireNonNull(version, "version");
    versions = List.copyOf(versions);
    Objects.requireNonNull(cartridgeVersion, "cartridgeVersion");
    source = Objects.requireNonNullElse(source, "");
    sha256 = Objects.requireNonNullElse(sha256, "");
  }
}
