package dev.paaskit.api.spi;

/**
 * One long-running part of a cloud: a controller, a stager, a health manager, a router, a node
 * agent, an API server.
 *
 * <p>A cloud starts its roles phase by phase in the order of {@link Phase}, the roles of one
 * phase side by side, and the next phase once all of them run; it stops them phase by phase in
 * the opposite order, again side by side within a phase. A role that fails to start, or does not
 * start within the cloud's bound, fails the cloud's start; the roles already started are then
 * stopped. A role must therefore not count on another of its own phase being up.
 *
 * <p>Implementations need not be thread-safe for {@link #start()} and {@link #stop()}: the cloud
 * calls one of them at a time on a role, from a thread of the cloud's executor.
 */
public interface Role {
  /**
   * A name for logs, unique within the cloud, such as {@code node-n1}; a cloud refuses to be
   * built with two roles of one name.
   *
   * @return the name, the same on every call
   */
  String name();

  /**
   * Starts and returns once ready to serve.
   *
   * @throws Exception why it could not start; a role that throws has released what it took
   */
  void start() throws Exception;

  /**
   * Stops and releases everything; idempotent, and harmless on a role that never started.
   *
   * @throws Exception what went wrong while stopping; the cloud logs it and goes on
   */
  void stop() throws Exception;

  /**
   * When this role starts and stops relative to the others.
   *
   * @return the role's phase, the same on every call; {@link Phase#SERVICES} by default
   */
  default Phase phase() {
    return Phase.SERVICES;
  }

  /**
   * The phases of a cloud's start, in order; a cloud stops them in the opposite order.
   */
  enum Phase {
    /**
     * Doors to the apps, such as the router: up before any instance registers a route, and
     * still serving while the rest of the cloud stops.
     */
    EDGE,
    /** Hosts of instances and agents: node agents. */
    HOSTS,
    /** What the control plane calls: the stager, catalogs, service managers. */
    SERVICES,
    /**
     * The reconciler (health manager): starts once what it places instances on is up, and stops
     * first of the control plane, so nothing restarts what is stopping.
     */
    RECONCILER,
    /** Doors for users, such as the REST API: open last, closed first. */
    API
  }
}
