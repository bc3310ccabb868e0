package dev.paaskit.api;

/**
 * What an {@link Event} records. App and staging events come from the controller, instance,
 * placement, rollout and most node events from the health manager; both publish on the bus, so
 * every process of a cloud sees them. Unless said otherwise, the subject is the app's name and
 * the event carries no attributes.
 */
public enum EventType {
  /** An app was created: by {@link Controller#create create} or by a first push. */
  APP_CREATED,
  /**
   * An app's spec was updated; also a push whose staging succeeded but whose app could not be
   * stored (a route taken), its message starting with {@code push failed:}.
   */
  APP_UPDATED,
  /** An app was deleted; the controller forgets its events. */
  APP_DELETED,
  /** An app was started, restarted, or pushed and started. */
  APP_STARTED,
  /** An app was stopped. */
  APP_STOPPED,
  /** An app's instance count was changed; attributes {@code from} and {@code to}. */
  APP_SCALED,
  /** A package was uploaded with {@link Controller#upload upload} (a push publishes none). */
  PACKAGE_UPLOADED,
  /** Staging of a package began, for a stage or a push. */
  STAGING_STARTED,
  /** Staging produced a droplet, or reused one; attribute {@code cartridge}. */
  STAGED,
  /** Staging failed; the message says why. */
  STAGING_FAILED,
  /** Not published by PaaSKit's own parts: a start shows as {@link #INSTANCE_RUNNING}. */
  INSTANCE_STARTING,
  /**
   * An instance's node reported it RUNNING; attributes {@code index} and {@code node}.
   */
  INSTANCE_RUNNING,
  /**
   * An instance ended without being asked to; attributes {@code index}, {@code node},
   * {@code crashes} (in a row, for its index and generation) and, when its node said why,
   * {@code exitCode}, {@code memoryLimitExceeded} and {@code diskLimitExceeded}. The message
   * holds the crash's reason, such as {@code instance 1 out of memory: limit 128M}.
   */
  INSTANCE_CRASHED,
  /** Not published by PaaSKit's own parts: a stop shows in the instance list only. */
  INSTANCE_STOPPED,
  /**
   * The restart policy gave up on an index after a crash, published right after that crash's
   * {@link #INSTANCE_CRASHED} and with its attributes; the index stays down until the app is
   * restarted or restaged.
   */
  INSTANCE_FAILED,
  /**
   * No node can take an instance; attribute {@code index}, and the message ends with the
   * placement's explanation. Published once per explanation and generation of the app: again
   * when the explanation changes, or when a new generation fits no node the same way.
   */
  PLACEMENT_FAILED,
  /** A node was heard from for the first time; subject {@code node:<id>}. */
  NODE_JOINED,
  /** A node missed a heartbeat; subject {@code node:<id>}. */
  NODE_SUSPECT,
  /**
   * A node missed enough heartbeats (or left the bus) to be counted dead, and its instances are
   * started elsewhere; subject {@code node:<id>}.
   */
  NODE_DEAD,
  /** A node was drained with {@link Controller#drain drain}; subject {@code node:<id>}. */
  NODE_DRAINING,
  /**
   * A rollout did not become healthy in time while the previous generation still served, and
   * the app went back to that generation.
   */
  ROLLOUT_CANCELLED
}
