/**
 * The router role's engine: a {@link dev.paaskit.router.internal.RouteTable} of which instances
 * serve which host, and a {@link dev.paaskit.router.internal.Router} that proxies HTTP by it.
 * Keeping the table in step with the cloud (instances starting and stopping, routes mapped and
 * unmapped, resyncs) is the job of the role that owns both.
 */
package dev.paaskit.router;
