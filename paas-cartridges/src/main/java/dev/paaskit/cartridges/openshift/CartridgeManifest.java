package dev.paaskit.cartridges.openshift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OpenShift v2 cartridge manifest ({@code metadata/manifest.yml}), plus a
 * {@code Source-Sha256} of PaaSKit's own beside OpenShift's {@code Source-Md5}.
 *
 * <p>Field names follow the manifest's keys. Lists are never null (empty when absent); optional
 * text is empty when absent. {@link #parse} accepts what real manifests hold: {@code Versions}
 * as strings or numbers, {@code Provides} and {@code Requires} as one string or a list,
 * {@code Protocols} as a string or a list, {@code Endpoints} with or without {@code Mappings},
 * null {@code Publishes}. Keys it does not model ({@code Cart-Data}, {@code Help-Topics} ...)
 * are ignored.
 *
 * <pre>{@code
 * CartridgeManifest m = CartridgeManifest.parse(Files.readString(file), file.toString());
 * m.endpoints().get(0).privatePortName(); // "PORT"
 * }</pre>
 *
 * @param name {@code Name}, required: what users select the cartridge by
 * @param shortName {@code Cartridge-Short-Name}, required, no dash: names the
 *     {@code OPENSHIFT_<SHORT>_*} variables
 * @param version {@code Version}, required: the software version
 * @param versions {@code Versions}: every software version the cartridge offers
 * @param versionOverrides {@code Version-Overrides}: per software version, the top-level fields
 *     that differ, as parsed YAML (text, lists and maps); see {@link #forVersion}
 * @param cartridgeVersion {@code Cartridge-Version}, required: the cartridge's own version
 * @param cartridgeVendor {@code Cartridge-Vendor}, required: letters, digits, dot, underscore
 * @param sourceSha256 {@code Source-Sha256}, lower-case hex, or empty
 */
public record CartridgeManifest(String name, String shortName, String displayName,
    String description, String version, List<String> versions,
    Map<String, Map<String, Object>> versionOverrides, String cartridgeVersion,
    List<String> compatibleVersions, String cartridgeVendor, String license, String vendor,
    String website, List<String> categories, List<String> provides, List<String> requires,
    Map<String, Connector> publishes, Map<String, Connector> subscribes, Scaling scaling,
    List<GroupOverride> groupOverrides, List<Endpoint> endpoints, String sourceUrl,
    String sourceMd5, String sourceSha256, List<String> additionalControlActions,
    boolean installBuildRequired) {

  public CartridgeManifest {
    requireText(name, "Name");
    requireText(shortName, "Cartridge-Short-Name");
    requireText(version, "Version");
    requireText(cartridgeVersion, "Cartridge-Version");
    requireText(cartridgeVendor, "Cartridge-Vendor");
    displayName = Objects.requireNonNullElse(displayName, "");
    description = Objects.requireNonNullElse(description, "");
    versions = List.copyOf(versions == null ? List.of() : versions);
    versionOverrides = copyOverrides(versionOverrides);
    compatibleVersions = List.copyOf(compatibleVersions == null ? List.of() : compatibleVersions);
    license = Objects.requireNonNullElse(license, "");
    vendor = Objects.requireNonNullElse(vendor, "");
    website = Objects.requireNonNullElse(website, "");
    categories = List.copyOf(categories == null ? List.of() : categories);
    provides = List.copyOf(provides == null ? List.of() : provides);
    requires = List.copyOf(requires == null ? List.of() : requires);
    publishes = Map.copyOf(publishes == null ? Map.of() : publishes);
    subscribes = Map.copyOf(subscribes == null ? Map.of() : subscribes);
    scaling = scaling == null ? Scaling.DEFAULT : scaling;
    groupOverrides = List.copyOf(groupOverrides == null ? List.of() : groupOverrides);
    endpoints = List.copyOf(endpoints == null ? List.of() : endpoints);
    sourceUrl = Objects.requireNonNullElse(sourceUrl, "");
    sourceMd5 = Objects.requireNonNullElse(sourceMd5, "");
    sourceSha256 = Objects.requireNonNullElse(sourceSha256, "");
    additionalControlActions = List.copyOf(
        additionalControlActions == null ? List.of() : additionalControlActions);
  }

  /**
   * Parses a manifest.
   *
   * @param source the file or URL it came from, for error messages
   * @throws InvalidCartridgeManifestException naming the field at fault and {@code source}
   */
  public static CartridgeManifest parse(String yaml, String source) {
    return ManifestParser.parse(yaml, source);
  }

  /**
   * This manifest with the {@code Version-Overrides} of software version {@code softwareVersion}
   * applied and {@code Version} set to it.
   *
   * @throws IllegalArgumentException if the cartridge does not offer that version
   */
  public CartridgeManifest forVersion(String softwareVersion) {
    if (softwareVersion.equals(version) && !versionOverrides.containsKey(version)) {
      return this;
    }
    if (!offers(softwareVersion)) {
      throw new IllegalArgumentException("cartridge " + name + " offers versions "
          + allVersions() + ", not " + softwareVersion);
    }
    return ManifestParser.withOverride(this, softwareVersion);
  }

  /** Whether {@code softwareVersion} is {@code Version} or one of {@code Versions}. */
  public boolean offers(String softwareVersion) {
    return version.equals(softwareVersion) || versions.contains(softwareVersion);
  }

  /** {@code Version} first, then the other {@code Versions} in their order. */
  public List<String> allVersions() {
    LinkedHashMap<String, Boolean> all = new LinkedHashMap<>();
    all.put(version, true);
    versions.forEach(v -> all.put(v, true));
    return List.copyOf(all.keySet());
  }

  /**
   * The endpoint the router sends the app's traffic to: the first with a {@code Mappings} entry
   * whose {@code Frontend} is empty or {@code /}, else the first with a
   * {@code Public-Port-Name}, else the first; empty when there are no endpoints.
   */
  public Optional<Endpoint> publicEndpoint() {
    for (Endpoint e : endpoints) {
      for (Mapping m : e.mappings()) {
        if (m.frontend().isEmpty() || m.frontend().equals("/")) {
          return Optional.of(e);
        }
      }
    }
    return endpoints.stream().filter(e -> !e.publicPortName().isEmpty()).findFirst()
        .or(() -> endpoints.stream().findFirst());
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }

  private static Map<String, Map<String, Object>> copyOverrides(
      Map<String, Map<String, Object>> overrides) {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    if (overrides != null) {
      overrides.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableMap(
          new LinkedHashMap<>(v))));
    }
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** A {@code Publishes} or {@code Subscribes} entry. */
  public record Connector(String type, boolean required) {
    public Connector {
      type = Objects.requireNonNullElse(type, "");
    }
  }

  /**
   * {@code Scaling}; {@code max} -1 means unbounded, {@code multiplier} -1 (plugins such as
   * jenkins-client) means the cartridge never scales on its own.
   */
  public record Scaling(int min, int max, int multiplier) {
    public static final Scaling DEFAULT = new Scaling(1, -1, 1);

    public Scaling {
      if (min < 0 || (max != -1 && max < min) || multiplier < -1) {
        throw new IllegalArgumentException("Scaling needs 0 <= Min <= Max (or Max -1) and "
            + " Multiplier >= -1: " + min + ", " + max + ", " + multiplier);
      }
    }
  }

  /** A {@code Group-Overrides} entry: cartridges or components placed in one gear group. */
  public record GroupOverride(List<String> components) {
    public GroupOverride {
      components = List.copyOf(components);
    }
  }

  /**
   * An {@code Endpoints} entry: a private address the cartridge listens on, named by the
   * variables {@code OPENSHIFT_<SHORT>_<Private-IP-Name>} and
   * {@code OPENSHIFT_<SHORT>_<Private-Port-Name>}.
   *
   * @param privatePort the port OpenShift would give; PaaSKit's nodes allocate their own
   * @param publicPortName empty for an endpoint not exposed outside the gear
   */
  public record Endpoint(String privateIpName, String privatePortName, int privatePort,
      String publicPortName, List<String> protocols, Map<String, String> options,
      List<Mapping> mappings) {
    public Endpoint {
      Objects.requireNonNull(privateIpName, "privateIpName");
      Objects.requireNonNull(privatePortName, "privatePortName");
      publicPortName = Objects.requireNonNullElse(publicPortName, "");
      protocols = List.copyOf(protocols == null ? List.of("http") : protocols);
      options = Map.copyOf(options == null ? Map.of() : options);
      mappings = List.copyOf(mappings == null ? List.of() : mappings);
    }
  }

  /** A frontend path of the app mapped to a backend path of an endpoint. */
  public record Mapping(String frontend, String backend, Map<String, String> options) {
    public Mapping {
      frontend = Objects.requireNonNullElse(frontend, "");
      backend = Objects.requireNonNullElse(backend, "");
      options = Map.copyOf(options == null ? Map.of() : options);
    }
  }
}
