package dev.paaskit.core.internal.controller;

import java.util.Objects;
import java.util.Set;

/**
 * What a deployment follows: one generation of one app, and what was over before the change,
 * so that only what happens after it counts.
 *
 * @param endedBefore ids of the app's instances already CRASHED or FAILED before the change: a
 *     crash among them is old news, not this deployment's failure
 * @param eventsBefore the controller's count of events seen before the change; a placement
 *     failure counted after it is this deployment's
 */
record DeploymentTarget(String appId, String appName, long generation, Set<String> endedBefore,
    long eventsBefore) {
  DeploymentTarget {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(appName, "appName");
    endedBefore = Set.copyOf(endedBefore);
  }
}
