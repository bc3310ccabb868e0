package dev.paaskit.core.internal.protocol;

/** The keys roles keep in the {@link dev.paaskit.api.spi.StateStore}. */
public final class StoreKeys {
  /** Prefix of {@link AppRecord}s, one per app id. */
  public static final String APPS = "apps.";
  /** Prefix of app-name claims, whose value is the app id: makes names unique through CAS. */
  public static final String NAMES = "names.";
  /** Prefix of route claims, one per host name, whose value is the app id that holds it. */
  public static final String ROUTES = "routes.";
  /** Prefix of drained nodes: a key per node an operator asked to empty. */
  public static final String DRAINS = "drains.";
  /** Prefix of {@link DropletRecord}s by staging cache key. */
  public static final String DROPLETS = "droplets.";

  private StoreKeys() {}

  public static String app(String id) {
    return APPS + id;
  }

  public static String name(String name) {
    return NAMES + name;
  }

  public static String route(String host) {
    return ROUTES + host;
  }

  public static String drain(String nodeId) {
    return DRAINS + nodeId;
  }

  public static String droplet(String cacheKey) {
    return DROPLETS + cacheKey;
  }
}
