package dev.paaskit.api.spi;

/**
 * Makes a role from the shared parts of a cloud. A cloud calls it once, when it is built.
 */
@FunctionalInterface
public interface RoleFactory {
  /**
   * Makes the role. It may keep {@code context}, but asks it for the controller and for other
   * roles only once it starts.
   *
   * @param context the parts the cloud shares among its roles
   * @return a new role, not started; never null (the cloud's build fails on null)
   */
  Role create(CloudContext context);
}
