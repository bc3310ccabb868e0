package dev.paaskit.core.bus;

/**
 * A role that has something to redo when its bus comes back after an outage: messages it sent or
 * should have received meanwhile may be lost (NATS core delivers at most once), so it announces
 * again what others must know, or asks again for what it must know.
 *
 * <p>The bus itself stays transport-agnostic: whoever wires a cloud to a transport that can be
 * cut (NATS) tells the cloud through {@link dev.paaskit.core.PaasCloud#busReconnected()} once the
 * connection and its subscriptions are back. Implementations must not block; they may publish.
 * Being told more than once, or without an outage, must be harmless.
 */
public interface ReconnectAware {
  /** Called after the bus reconnected and restored the role's subscriptions. */
  void busReconnected();
}
