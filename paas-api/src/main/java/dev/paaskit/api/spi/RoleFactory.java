package dev.paaskit.api.spi;

/**
 * Makes a role from the shared parts of a cloud. A cloud calls it once, when it is built.
 */
@FunctionalInterface
public interface RoleFactory {
  Role create(CloudContext context);
}
