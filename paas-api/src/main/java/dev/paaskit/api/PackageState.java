package dev.paaskit.api;

/** Where an uploaded package is on its way to a droplet. */
public enum PackageState {
  PENDING, STAGED, FAILED
}
