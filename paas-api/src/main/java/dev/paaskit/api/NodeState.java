package dev.paaskit.api;

/** How the health manager sees a node. SUSPECT has missed a heartbeat; DEAD has missed enough that its instances are replaced elsewhere; DRAINING takes no new instances. */
public enum NodeState {
  ALIVE, SUSPECT, DEAD, DRAINING
}
