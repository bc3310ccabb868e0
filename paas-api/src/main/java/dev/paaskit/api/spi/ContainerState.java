package dev.paaskit.api.spi;

/** The backend's view of one container. */
public enum ContainerState { CREATED, RUNNING, STOPPING, EXITED }
