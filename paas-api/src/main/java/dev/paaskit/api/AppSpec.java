package dev.paaskit.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a user wants of an app. Immutable and thread-safe; build one with {@link #builder(String)}
 * and derive changed copies with {@link #toBuilder()}.
 *
 * <pre>{@code
 * AppSpec spec = AppSpec.builder("hello").instances(3).memory("256M").build();
 * }</pre>
 *
 * <p>Every check runs when the spec is made, so a spec that exists can be stored: a field that
 * cannot be used is an {@link InvalidSpecException} naming it, such as {@code name},
 * {@code instances}, {@code env}, {@code routes}, {@code no-route} or {@code labels}.
 *
 * @param name a DNS label: lower-case letters, digits and '-', at most 63 characters; it is also
 *     the first label of the app's default route
 * @param instances how many instances to run while the app is STARTED, 0 to
 *     {@value #MAX_INSTANCES}; 1 by default
 * @param memory the memory each instance may use, reserved on its node and enforced by the
 *     container backend; {@link #DEFAULT_MEMORY} by default
 * @param disk the disk each instance may use, reserved on its node; {@link #DEFAULT_DISK} by
 *     default
 * @param command the start command, run by {@code /bin/sh -c}; empty when the cartridge's own
 *     applies
 * @param env plain environment variables, each name letters, digits and '_', not starting with
 *     a digit; the order given is not kept
 * @param secretEnv environment variables whose values never appear in logs, events or toString;
 *     named as {@code env} is, and no name is in both
 * @param routes host names routed to the app, in the order given; empty means the default
 *     {@code name.<domain>}
 * @param healthCheck how a node tells that an instance is up; {@link HealthCheck#port()} by
 *     default
 * @param cartridge the cartridge to stage with; empty when detected from the files
 * @param hooks commands run before and after staging and before each instance starts
 * @param noRoute true when the app takes no HTTP traffic at all: no route, not even the default
 * @param placement where instances may run: stack, zones, tags, CPU, the most per node
 * @param labels metadata a host attaches to the app, as Kubernetes and Cloud Foundry labels:
 *     placement filters and scorers read them ({@code PlacementRequest.labels()}), so a host can
 *     place by, say, a {@code tenant}. See {@link #checkLabel} for what a label may be; at most
 *     {@value #MAX_LABELS}; the order given is not kept.
 */
public record AppSpec(String name, int instances, ByteSize memory, ByteSize disk,
    Optional<String> command, Map<String, String> env, Map<String, Secret> secretEnv,
    List<String> routes, HealthCheck healthCheck, Optional<String> cartridge, Hooks hooks,
    boolean noRoute, PlacementConstraints placement, Map<String, String> labels) {

  /** The memory of an instance when the spec sets none: 256 MiB. */
  public static final ByteSize DEFAULT_MEMORY = ByteSize.ofMegabytes(256);
  /** The disk of an instance when the spec sets none: 1 GiB. */
  public static final ByteSize DEFAULT_DISK = ByteSize.ofMegabytes(1024);
  /** The most instances one app may ask for. */
  public static final int MAX_INSTANCES = 100_000;
  /** The most labels one app may carry. */
  public static final int MAX_LABELS = 64;
  /** The longest label name (the key after its prefix) and the longest label value. */
  public static final int MAX_LABEL_LENGTH = 63;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern HOST =
      Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** A label's name or value: alphanumeric at both ends, '-', '_' and '.' between. */
  private static final Pattern LABEL_TEXT =
      Pattern.compile("[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?");

  /**
   * Checks every part and copies the collections. A null optional, collection, health check,
   * hooks or placement is read as empty or as its default; a blank command or cartridge as
   * empty.
   *
   * @param name checked by {@link #checkName}
   * @param instances 0 to {@value #MAX_INSTANCES}
   * @param memory not null
   * @param disk not null
   * @param command null or blank for the cartridge's
   * @param env copied; each name usable in a process environment
   * @param secretEnv copied; each name usable, and none also in {@code env}
   * @param routes copied; each a host name: lower-case DNS labels joined by '.', at most 253
   *     characters
   * @param healthCheck null for {@link HealthCheck#port()}
   * @param cartridge null or blank to detect one
   * @param hooks null for {@link Hooks#none()}
   * @param noRoute when true, {@code routes} must be empty
   * @param placement null for {@link PlacementConstraints#none()}
   * @param labels copied; at most {@value #MAX_LABELS}, each checked by {@link #checkLabel}
   * @throws InvalidSpecException naming the first field that cannot be used and its value
   * @throws NullPointerException if {@code memory} or {@code disk} is null, or a collection
   *     holds a null element, key or value
   */
  public AppSpec {
    checkName(name);
    if (instances < 0 || instances > MAX_INSTANCES) {
      throw new InvalidSpecException("instances", String.valueOf(instances),
          "must be between 0 and " + MAX_INSTANCES);
    }
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(disk, "disk");
    command = command == null ? Optional.empty() : command.filter(c -> !c.isBlank());
    env = Map.copyOf(env == null ? Map.of() : env);
    secretEnv = Map.copyOf(secretEnv == null ? Map.of() : secretEnv);
    env.keySet().forEach(AppSpec::checkEnvName);
    for (String key : secretEnv.keySet()) {
      checkEnvName(key);
      if (env.containsKey(key)) {
        throw new InvalidSpecException("env", key, "is both a plain and a secret variable");
      }
    }
    routes = List.copyOf(routes == null ? List.of() : routes);
    for (String route : routes) {
      if (!HOST.matcher(route).matches()) {
        throw new InvalidSpecException("routes", route, "not a host name");
      }
    }
    healthCheck = healthCheck == null ? HealthCheck.port() : healthCheck;
    cartridge = cartridge == null ? Optional.empty() : cartridge.filter(c -> !c.isBlank());
    hooks = hooks == null ? Hooks.none() : hooks;
    if (noRoute && !routes.isEmpty()) {
      throw new InvalidSpecException("no-route", "true", "an app with no route cannot also have routes "
          + routes);
    }
    placement = placement == null ? PlacementConstraints.none() : placement;
    labels = checkLabels(labels);
  }

  /**
   * Checks that {@code name} can name an app: 1 to 63 lower-case letters, digits or '-', not
   * starting or ending with '-'. Every {@link Controller} method that takes a name checks it so.
   *
   * @param name the name to check; null is refused
   * @throws InvalidSpecException naming the field {@code name} otherwise
   */
  public static void checkName(String name) {
    if (name == null || !DNS_LABEL.matcher(name).matches()) {
      throw new InvalidSpecException("name", name,
          "must be a DNS label: 1 to 63 lower-case letters, digits or '-', not starting or ending with '-'");
    }
  }

  /**
   * Checks that {@code key} and {@code value} can be a label, by the rules of Kubernetes and Cloud
   * Foundry metadata labels. The key is a name with an optional prefix, {@code prefix/name}: the
   * prefix a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters), such
   * as {@code example.com}; the name 1 to {@value #MAX_LABEL_LENGTH} letters, digits, '-', '_' or
   * '.', starting and ending with a letter or digit. The value follows the rule of the name, but
   * may be empty.
   *
   * @param key the label's key; null or empty is refused
   * @param value the label's value; null is refused, {@code ""} is a value
   * @throws InvalidSpecException naming the field {@code labels} and the key when the key cannot
   *     be used, or the field {@code labels.<key>} and the value when the value cannot
   */
  public static void checkLabel(String key, String value) {
    if (key == null || key.isEmpty()) {
      throw new InvalidSpecException("labels", key, "a label needs a key");
    }
    int slash = key.lastIndexOf('/');
    String name = key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (!HOST.matcher(prefix).matches()) {
        throw new InvalidSpecException("labels", key, "the prefix '" + prefix + "' must be a DNS "
            + "subdomain: lower-case letters, digits, '-' and '.', at most 253 characters");
      }
    }
    checkLabelText("labels", key, name, "the name '" + name + "'", false);
    if (value == null) {
      throw new InvalidSpecException("labels." + key, null, "has no value; give \"\" for none");
    }
    checkLabelText("labels." + key, value, value, "the value", true);
  }

  private static void checkLabelText(String field, String shown, String text, String what,
      boolean mayBeEmpty) {
    if (text.isEmpty()) {
      if (mayBeEmpty) {
        return;
      }
      throw new InvalidSpecException(field, shown, what + " must not be empty");
    }
    if (text.length() > MAX_LABEL_LENGTH) {
      throw new InvalidSpecException(field, shown, what + " is " + text.length()
          + " characters long, more than " + MAX_LABEL_LENGTH);
    }
    if (!LABEL_TEXT.matcher(text).matches()) {
      throw new InvalidSpecException(field, shown, what + " must be letters, digits, '-', '_' "
          + "or '.', starting and ending with a letter or digit");
    }
  }

  private static Map<String, String> checkLabels(Map<String, String> labels) {
    if (labels == null) {
      return Map.of();
    }
    if (labels.size() > MAX_LABELS) {
      throw new InvalidSpecException("labels", labels.size() + " labels",
          "an app carries at most " + MAX_LABELS);
    }
    labels.forEach(AppSpec::checkLabel);
    return Map.copyOf(labels);
  }

  private static void checkEnvName(String key) {
    if (key == null || !ENV_NAME.matcher(key).matches()) {
      throw new InvalidSpecException("env", key, "not a valid environment variable name");
    }
  }

  /**
   * A builder of a spec with every default: 1 instance, {@link #DEFAULT_MEMORY},
   * {@link #DEFAULT_DISK}, a port health check, no routes (so the default route), no labels.
   *
   * @param name the app's name; checked by {@link Builder#build()}, so it may be null here and
   *     set later with {@link Builder#name}
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A builder holding every part of this spec, to derive a changed copy; changing the builder
   * leaves this spec as it is.
   *
   * @return a new builder on each call
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.instances = instances;
    b.memory = memory;
    b.disk = disk;
    b.command = command.orElse(null);
    b.env.putAll(env);
    b.secretEnv.putAll(secretEnv);
    b.routes.addAll(routes);
    b.healthCheck = healthCheck;
    b.cartridge = cartridge.orElse(null);
    b.hooks = hooks;
    b.noRoute = noRoute;
    b.placement = placement;
    b.labels.putAll(labels);
    return b;
  }

  /**
   * Collects the parts of a spec; {@link #build()} checks them all. Mutable and not
   * thread-safe. A setter of one value replaces what was set before; {@link #env(String, String)},
   * {@link #env(Map)}, {@link #secretEnv}, {@link #route} and {@link #label} add to what was set,
   * replacing only an entry of the same key, while {@link #routes} and {@link #labels} replace
   * the whole collection. Only the string forms of memory and disk are checked at once; every
   * other value is checked by {@link #build()}.
   */
  public static final class Builder {
    private String name;
    private int instances = 1;
    private ByteSize memory = DEFAULT_MEMORY;
    private ByteSize disk = DEFAULT_DISK;
    private String command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, Secret> secretEnv = new LinkedHashMap<>();
    private final List<String> routes = new ArrayList<>();
    private HealthCheck healthCheck = HealthCheck.port();
    private String cartridge;
    private Hooks hooks = Hooks.none();
    private boolean noRoute;
    private PlacementConstraints placement = PlacementConstraints.none();
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the app's name.
     *
     * @param name a DNS label, checked by {@link #build()}
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets how many instances run while the app is STARTED.
     *
     * @param instances 0 to {@value AppSpec#MAX_INSTANCES}, checked by {@link #build()}
     * @return this builder
     */
    public Builder instances(int instances) {
      this.instances = instances;
      return this;
    }

    /**
     * Sets each instance's memory from text such as {@code 512M}, parsed at once as
     * {@link ByteSize#parse} does.
     *
     * @param memory a positive size; a bare number is megabytes
     * @return this builder
     * @throws InvalidSpecException naming the field {@code memory} when the text is no size
     */
    public Builder memory(String memory) {
      this.memory = ByteSize.parse("memory", memory);
      return this;
    }

    /**
     * Sets each instance's memory.
     *
     * @param memory not null
     * @return this builder
     * @throws NullPointerException if {@code memory} is null
     */
    public Builder memory(ByteSize memory) {
      this.memory = Objects.requireNonNull(memory, "memory");
      return this;
    }

    /**
     * Sets each instance's disk from text such as {@code 2G}, parsed at once as
     * {@link ByteSize#parse} does.
     *
     * @param disk a positive size; a bare number is megabytes
     * @return this builder
     * @throws InvalidSpecException naming the field {@code disk} when the text is no size
     */
    public Builder disk(String disk) {
      this.disk = ByteSize.parse("disk", disk);
      return this;
    }

    /**
     * Sets each instance's disk.
     *
     * @param disk not null
     * @return this builder
     * @throws NullPointerException if {@code disk} is null
     */
    public Builder disk(ByteSize disk) {
      this.disk = Objects.requireNonNull(disk, "disk");
      return this;
    }

    /**
     * Sets the start command.
     *
     * @param command a shell command line; null or blank to use the one the cartridge chose
     * @return this builder
     */
    public Builder command(String command) {
      this.command = command;
      return this;
    }

    /**
     * Adds a plain environment variable, replacing the value of one of the same name.
     *
     * @param key the variable's name, checked by {@link #build()}
     * @param value its value, possibly empty; not null
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder env(String key, String value) {
      this.env.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds every variable of {@code env}, replacing the values of those of the same name; the
     * variables set before stay.
     *
     * @param env variables by name; names and values are checked by {@link #build()}
     * @return this builder
     * @throws NullPointerException if {@code env} is null
     */
    public Builder env(Map<String, String> env) {
      this.env.putAll(env);
      return this;
    }

    /**
     * Adds a secret environment variable, replacing the value of one of the same name.
     * {@link #build()} refuses a name that is also a plain variable.
     *
     * @param key the variable's name, checked by {@link #build()}
     * @param value its value; not null
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder secretEnv(String key, Secret value) {
      this.secretEnv.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds a host name to the app's routes, after those set before.
     *
     * @param host a host name, such as {@code shop.example.com}; checked by {@link #build()}
     * @return this builder
     */
    public Builder route(String host) {
      this.routes.add(host);
      return this;
    }

    /**
     * Replaces the app's routes.
     *
     * @param hosts host names in order, checked by {@link #build()}; empty for the default route
     * @return this builder
     * @throws NullPointerException if {@code hosts} is null
     */
    public Builder routes(List<String> hosts) {
      this.routes.clear();
      this.routes.addAll(hosts);
      return this;
    }

    /**
     * Sets how a node tells that an instance is up.
     *
     * @param healthCheck not null
     * @return this builder
     * @throws NullPointerException if {@code healthCheck} is null
     */
    public Builder healthCheck(HealthCheck healthCheck) {
      this.healthCheck = Objects.requireNonNull(healthCheck, "healthCheck");
      return this;
    }

    /**
     * Names the cartridge to stage with, so that staging skips detection.
     *
     * @param cartridge a cartridge name such as {@code python}; null or blank to detect one. A
     *     name no cartridge has fails the staging, not this call
     * @return this builder
     */
    public Builder cartridge(String cartridge) {
      this.cartridge = cartridge;
      return this;
    }

    /**
     * Sets the app's hooks.
     *
     * @param hooks not null; {@link Hooks#none()} for none
     * @return this builder
     * @throws NullPointerException if {@code hooks} is null
     */
    public Builder hooks(Hooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * Says whether the app takes HTTP traffic at all.
     *
     * @param noRoute true for no route, not even the default; {@link #build()} then refuses
     *     routes
     * @return this builder
     */
    public Builder noRoute(boolean noRoute) {
      this.noRoute = noRoute;
      return this;
    }

    /**
     * Sets where the app's instances may run.
     *
     * @param placement not null; {@link PlacementConstraints#none()} for anywhere
     * @return this builder
     * @throws NullPointerException if {@code placement} is null
     */
    public Builder placement(PlacementConstraints placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /**
     * Adds one label, replacing the value of a label of the same key; {@link #build()} checks it
     * as {@link AppSpec#checkLabel} does.
     *
     * @param key the label's key, such as {@code tenant} or {@code example.com/tier}
     * @param value the label's value, possibly empty
     * @return this builder
     */
    public Builder label(String key, String value) {
      this.labels.put(key, value);
      return this;
    }

    /**
     * Replaces every label with {@code labels}; {@link #build()} checks them.
     *
     * @param labels the labels by key
     * @return this builder
     * @throws NullPointerException if {@code labels} is null
     */
    public Builder labels(Map<String, String> labels) {
      Objects.requireNonNull(labels, "labels");
      this.labels.clear();
      this.labels.putAll(labels);
      return this;
    }

    /**
     * Makes the spec of what was set; the builder stays usable.
     *
     * @return the spec, checked as its constructor checks it
     * @throws InvalidSpecException naming the first field that cannot be used
     * @throws NullPointerException if an env or label value is null
     */
    public AppSpec build() {
      return new AppSpec(name, instances, memory, disk, Optional.ofNullable(command), env,
          secretEnv, routes, healthCheck, Optional.ofNullable(cartridge), hooks, noRoute,
          placement, labels);
    }
  }
}
