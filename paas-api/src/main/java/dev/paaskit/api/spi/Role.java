package dev.paaskit.api.spi;

/**
 * One long-running part of a cloud: a controller, a stager, a health manager, a router, a node
 * agent. A cloud starts its roles in the order they were added and stops them in reverse; a
 * role that fails to start fails the cloud's start, and the roles already started are stopped.
 */
public interface Role {
  /** A name for logs, unique within the cloud, such as {@code node-n1}. */
  String name();

  /** Starts and returns once ready to serve, within a bounded time. */
  void start() throws Exception;

  /** Stops and releases everything; bounded in time and idempotent. */
  void stop() throws Exception;
}
