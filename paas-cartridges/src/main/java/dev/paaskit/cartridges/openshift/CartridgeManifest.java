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
 * <p>The constructor checks only that the required fields are not blank and turns absent
 * (null) optional fields into empty ones; the finer checks (name characters, hex digests, port
 * ranges) are {@link #parse}'s.
 *
 * <p>Several fields are kept as written for tools and for fidelity to OpenShift, but PaaSKit
 * does not act on them: {@code compatibleVersions}, {@code license}, {@code vendor},
 * {@code website}, {@code categories}, {@code provides}, {@code requires}, {@code publishes},
 * {@code subscribes}, {@code scaling}, {@code groupOverrides},
 * {@code additionalControlActions} and {@code installBuildRequired}.
 *
 * @param name {@code Name}, required: what users select the cartridge by
 * @param shortName {@code Cartridge-Short-Name}, required, no dash: names the
 *     {@code OPENSHIFT_<SHORT>_*} variables
 * @param displayName {@code Display-Name}: the name shown to users; empty when absent
 * @param description {@code Description}: free text for users; empty when absent
 * @param version {@code Version}, required: the software version
 * @param versions {@code Versions}: every software version the cartridge offers
 * @param versionOverrides {@code Version-Overrides}: per software version, the top-level fields
 *     that differ, as parsed YAML (text, lists and maps); see {@link #forVersion}
 * @param cartridgeVersion {@code Cartridge-Version}, required: the cartridge's own version
 * @param compatibleVersions {@code Compatible-Versions}: earlier cartridge versions a gear can
 *     be upgraded from in place, in OpenShift's sense
 * @param cartridgeVendor {@code Cartridge-Vendor}, required: letters, digits, {@code .},
 *     {@code _} and {@code -}, starting with a letter or digit
 * @param license {@code License}: the software's licence, as text; empty when absent
 * @param vendor {@code Vendor}: who makes the software (not the cartridge); empty when absent
 * @param website {@code Website}: the software's home page, not fetched; empty when absent
 * @param categories {@code Categories}, such as {@code web_framework} or {@code service}
 * @param provides {@code Provides}: capability names other cartridges may require
 * @param requires {@code Requires}: capability names this cartridge needs beside it
 * @param publishes {@code Publishes}: connection hook name to connector, in no defined order
 * @param subscribes {@code Subscribes}: connection hook name to connector, in no defined order
 * @param scaling {@code Scaling}: {@link Scaling#DEFAULT} when absent
 * @param groupOverrides {@code Group-Overrides}: how OpenShift groups components into gears
 * @param endpoints {@code Endpoints}: the addresses the cartridge listens on, in manifest order;
 *     see {@link #publicEndpoint()}
 * @param sourceUrl {@code Source-Url}: where a downloadable cartridge's files are; empty for a
 *     cartridge whose files come with its manifest
 * @param sourceMd5 {@code Source-Md5}, 32 lower-case hex digits, or empty
 * @param sourceSha256 {@code Source-Sha256}, 64 lower-case hex digits, or empty
 * @param additionalControlActions {@code Additional-Control-Actions}: control actions beyond
 *     the standard ones that {@code bin/control} accepts
 * @param installBuildRequired {@code Install-Build-Required}: whether OpenShift builds the app
 *     right after installing the cartridge; false when absent
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

  /**
   * Checks the required fields and copies the rest, null optional fields becoming empty.
   *
   * @param name not blank
   * @param shortName not blank
   * @param displayName null for empty
   * @param description null for empty
   * @param version not blank
   * @param versions null for empty; copied
   * @param versionOverrides null for empty; copied one level deep (the values of each
   *     version's fields are kept as given)
   * @param cartridgeVersion not blank
   * @param compatibleVersions null for empty; copied
   * @param cartridgeVendor not blank
   * @param license null for empty
   * @param vendor null for empty
   * @param website null for empty
   * @param categories null for empty; copied
   * @param provides null for empty; copied
   * @param requires null for empty; copied
   * @param publishes null for empty; copied
   * @param subscribes null for empty; copied
   * @param scaling null for {@link Scaling#DEFAULT}
   * @param groupOverrides null for empty; copied
   * @param endpoints null for empty; copied
   * @param sourceUrl null for empty
   * @param sourceMd5 null for empty; not checked here
   * @param sourceSha256 null for empty; not checked here
   * @param additionalControlActions null for empty; copied
   * @param installBuildRequired as given
   * @throws IllegalArgumentException naming the manifest key of a required field that is null
   *     or blank
   * @throws NullPointerException if a list or map given holds a null element, key or value
   *     (of {@code versionOverrides} only a null map of fields is refused)
   */
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
   * Parses a manifest. The text is bounded (256 Ki code points, nesting and aliases limited),
   * so a hostile manifest fails rather than exhausts memory; a git merge-conflict marker is
   * refused with a message that says so.
   *
   * @param yaml the whole manifest, as YAML text
   * @param source the file or URL it came from, for error messages
   * @return the manifest, its {@code Version} the default one; see {@link #forVersion}
   * @throws InvalidCartridgeManifestException naming the field at fault and {@code source}
   */
  public static CartridgeManifest parse(String yaml, String source) {
    return ManifestParser.parse(yaml, source);
  }

  /**
   * This manifest with the {@code Version-Overrides} of software version {@code softwareVersion}
   * applied and {@code Version} set to it. Fields the overrides do not name keep this
   * manifest's values.
   *
   * @param softwareVersion one of {@link #allVersions()}
   * @return this manifest when nothing changes, else a new one
   * @throws IllegalArgumentException if the cartridge does not offer that version
   * @throws InvalidCartridgeManifestException if the overrides of that version are not valid
   *     fields, naming the field
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

  /**
   * Whether the cartridge offers a software version.
   *
   * @param softwareVersion compared as text: {@code 3.10} is not {@code 3.1}
   * @return whether it is {@code Version} or one of {@code Versions}
   */
  public boolean offers(String softwareVersion) {
    return version.equals(softwareVersion) || versions.contains(softwareVersion);
  }

  /**
   * Every software version the cartridge offers.
   *
   * @return {@code Version} first, then the other {@code Versions} in their order, each once;
   *     immutable
   */
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
   *
   * @return the endpoint that gets the instance's own port; endpoints with another
   *     {@code Private-Port-Name} get ports of their own
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

  /**
   * A {@code Publishes} or {@code Subscribes} entry.
   *
   * @param type {@code Type}: the connection type, as OpenShift names it; empty when absent
   * @param required {@code Required}: whether the connection must be made; false when absent
   */
  public record Connector(String type, boolean required) {
    /**
     * Turns a null type into empty text.
     *
     * @param type null for empty
     * @param required as given
     */
    public Connector {
      type = Objects.requireNonNullElse(type, "");
    }
  }

  /**
   * {@code Scaling}; {@code max} -1 means unbounded, {@code multiplier} -1 (plugins such as
   * jenkins-client) means the cartridge never scales on its own.
   */
  public record Scaling(int min, int max, int multiplier) {
    /** What an absent {@code Scaling} means: at least 1 gear, no maximum, multiplier 1. */
    public static final Scaling DEFAULT = new Scaling(1, -1, 1);

    /**
     * Checks the bounds.
     *
     * @param min {@code Min}: the fewest gears, 0 or more
     * @param max {@code Max}: the most gears, at least {@code min}, or -1 for no limit
     * @param multiplier {@code Multiplier}: -1 or more, -1 meaning as in the record's comment
     * @throws IllegalArgumentException with the three values when a bound is out of range
     */
    public Scaling {
      if (min < 0 || (max != -1 && max < min) || multiplier < -1) {
        throw new IllegalArgumentException("Scaling needs 0 <= Min <= Max (or Max -1) and "
            + " Multiplier >= -1: " + min + ", " + max + ", " + multiplier);
      }
    }
  }

  /**
   * A {@code Group-Overrides} entry: cartridges or components placed in one gear group.
   *
   * @param components {@code components}: the cartridge or component names, in manifest order
   */
  public record GroupOverride(List<String> components) {
    /**
     * Copies the names.
     *
     * @param components the names; copied
     * @throws NullPointerException if {@code components} or a name in it is null
     */
    public GroupOverride {
      components = List.copyOf(components);
    }
  }

  /**
   * An {@code Endpoints} entry: a private address the cartridge listens on, named by the
   * variables {@code OPENSHIFT_<SHORT>_<Private-IP-Name>} and
   * {@code OPENSHIFT_<SHORT>_<Private-Port-Name>}.
   *
   * @param privateIpName {@code Private-IP-Name}: the variable suffix that carries the
   *     instance's address, such as {@code IP}
   * @param privatePortName {@code Private-Port-Name}: the variable suffix that carries the port,
   *     such as {@code PORT}
   * @param privatePort the port OpenShift would give; PaaSKit's nodes allocate their own
   * @param publicPortName empty for an endpoint not exposed outside the gear
   * @param protocols {@code Protocols}, such as {@code http} or {@code ws};
   *     {@code [http]} when absent
   * @param options {@code Options}: free-form settings of the endpoint, values as text
   * @param mappings {@code Mappings}: the app paths routed to this endpoint, in manifest order
   */
  public record Endpoint(String privateIpName, String privatePortName, int privatePort,
      String publicPortName, List<String> protocols, Map<String, String> options,
      List<Mapping> mappings) {
    /**
     * Fills in the defaults of absent fields and copies the collections.
     *
     * @param privateIpName required; not checked for its characters here
     * @param privatePortName required; not checked for its characters here
     * @param privatePort as given; {@link CartridgeManifest#parse} requires 1 to 65535
     * @param publicPortName null for empty
     * @param protocols null for {@code [http]}; copied
     * @param options null for empty; copied
     * @param mappings null for empty; copied
     * @throws NullPointerException if {@code privateIpName} or {@code privatePortName} is null,
     *     or a collection holds a null
     */
    public Endpoint {
      Objects.requireNonNull(privateIpName, "privateIpName");
      Objects.requireNonNull(privatePortName, "privatePortName");
      publicPortName = Objects.requireNonNullElse(publicPortName, "");
      protocols = List.copyOf(protocols == null ? List.of("http") : protocols);
      options = Map.copyOf(options == null ? Map.of() : options);
      mappings = List.copyOf(mappings == null ? List.of() : mappings);
    }
  }

  /**
   * A frontend path of the app mapped to a backend path of an endpoint.
   *
   * @param frontend {@code Frontend}: the app's path, such as {@code /} or {@code /health};
   *     empty when absent, which counts as {@code /}
   * @param backend {@code Backend}: the path on the endpoint; empty when absent
   * @param options {@code Options}: free-form settings of the mapping, values as text
   */
  public record Mapping(String frontend, String backend, Map<String, String> options) {
    /**
     * Turns absent fields into empty ones and copies the options.
     *
     * @param frontend null for empty
     * @param backend null for empty
     * @param options null for empty; copied
     * @throws NullPointerException if {@code options} holds a null key or value
     */
    public Mapping {
      frontend = Objects.requireNonNullElse(frontend, "");
      backend = Objects.requireNonNullElse(backend, "");
      options = Map.copyOf(options == null ? Map.of() : options);
    }
  }
}
