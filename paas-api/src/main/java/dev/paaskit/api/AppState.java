package dev.paaskit.api;

/** What the user asked of an app. A STARTED app should have its instances running. */
public enum AppState {
  STOPPED, STARTED
}
