/**
 * The router of a cloud: {@link dev.paaskit.router.RouterRole}, added to a cloud with
 * {@code .addRole(RouterRole.builder())}, proxies HTTP by Host header to the running instances
 * of the app that declares the host. {@link dev.paaskit.router.Route} and
 * {@link dev.paaskit.router.Backend} are the values of its table, as
 * {@link dev.paaskit.router.RouterRole#routes()} shows it. The route table and the proxy itself
 * are in {@code dev.paaskit.router.internal}, which is not a supported API; keeping the table in
 * step with the cloud (instances starting and stopping, routes mapped and unmapped, resyncs) is
 * the job of the role that owns both.
 */
package dev.paaskit.router;
