package dev.paaskit.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * One installed cartridge as a listing shows it. Immutable and thread-safe.
 *
 * @param name the name stagings select it by, such as {@code python}
 * @param displayName the name people read, from its manifest; empty when it gives none
 * @param vendor who made it ({@code Cartridge-Vendor})
 * @param version the default software version ({@code Version})
 * @param versions every software version offered, the default first
 * @param cartridgeVersion the cartridge's own version ({@code Cartridge-Version}), not that of
 *     the software it installs
 * @param builtin true for a cartridge that ships with PaaSKit, which cannot be removed
 * @param source the manifest URL it was added from, a user's password and a query masked;
 *     empty for a built-in
 * @param sha256 the blob of its verified files; empty for a built-in
 */
public record CartridgeInfo(String name, String displayName, String vendor, String version,
    List<String> versions, String cartridgeVersion, boolean builtin, String source,
    String sha256) {
  /**
   * Checks the parts are present and copies the versions; a null display name, source or
   * sha256 is read as empty.
   *
   * @param name not null
   * @param displayName null for empty
   * @param vendor not null
   * @param version not null
   * @param versions copied; not null, nor holding a null
   * @param cartridgeVersion not null
   * @param builtin as given
   * @param source null for empty
   * @param sha256 null for empty
   * @throws NullPointerException if another part is null, or {@code versions} holds a null
   */
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
