package dev.paaskit.generic.internal;

/**
 * The bus subjects of the generic service, under the {@code paaskit.} scheme of
 * {@link dev.paaskit.core.internal.protocol.Subjects}. Payloads are JSON of the records in this package;
 * answers to commands are {@link dev.paaskit.core.internal.protocol.Ack}. Every command can be replayed:
 * configs carry epochs and activations, script commands carry ids.
 *
 * <table>
 *   <caption>subjects</caption>
 *   <tr><th>subject</th><th>from → to</th><th>payload</th></tr>
 *   <tr><td>{@code paaskit.generic.host.advertise}</td><td>host → manager</td><td>{@link HostAdvert}</td></tr>
 *   <tr><td>{@code paaskit.generic.host.discover}</td><td>manager → hosts</td><td>empty: advertise yourselves</td></tr>
 *   <tr><td>{@code paaskit.generic.host.<host>.place}</td><td>manager → host (request)</td><td>{@link AgentConfig} → Ack: create the agent if absent, then configure it</td></tr>
 *   <tr><td>{@code paaskit.generic.host.<host>.remove}</td><td>manager → host (request)</td><td>agent id (UTF-8) → Ack: stop its script, delete its folder</td></tr>
 *   <tr><td>{@code paaskit.generic.agent.<agent>.configure}</td><td>manager → agent (request)</td><td>{@link AgentConfig} → Ack</td></tr>
 *   <tr><td>{@code paaskit.generic.agent.<agent>.command}</td><td>manager → agent (request)</td><td>{@link ScriptCommand} → Ack</td></tr>
 *   <tr><td>{@code paaskit.generic.agent.<agent>.status}</td><td>manager → agent (request)</td><td>empty → {@link AgentReport}</td></tr>
 * </table>
 */
public final class GenericSubjects {
  public static final String HOST_ADVERTISE = "paaskit.generic.host.advertise";
  public static final String HOST_DISCOVER = "paaskit.generic.host.discover";

  private GenericSubjects() {}

  public static String hostPlace(String hostId) {
    return "paaskit.generic.host." + hostId + ".place";
  }

  public static String hostRemove(String hostId) {
    return "paaskit.generic.host." + hostId + ".remove";
  }

  public static String agentConfigure(String agentId) {
    return "paaskit.generic.agent." + agentId + ".configure";
  }

  public static String agentCommand(String agentId) {
    return "paaskit.generic.agent." + agentId + ".command";
  }

  public static String agentStatus(String agentId) {
    return "paaskit.generic.agent." + agentId + ".status";
  }

  /** Every subject of one agent, for its host's subscription. */
  public static String agentAll(String agentId) {
    return "paaskit.generic.agent." + agentId + ".>";
  }
}
