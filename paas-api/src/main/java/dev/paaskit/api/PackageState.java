package dev.paaskit.api;

/** Where an uploaded package is on its way to a droplet. */
public enum PackageState {
  /** Uploaded and not staged yet; also the state of an app that has no package. */
  PENDING,
  /** Staged into the app's droplet. */
  STAGED,
  /** The latest staging of it failed; {@link AppPackage#failure()} says why. */
  FAILED
}
