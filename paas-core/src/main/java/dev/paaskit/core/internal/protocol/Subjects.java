package dev.paaskit.core.internal.protocol;

/**
 * The bus subjects roles talk on. Every payload is JSON of a record in this package; on a bus
 * that stays in one process, the record itself (see {@link Json#publish}).
 *
 * <table>
 *   <tr><th>subject</th><th>from → to</th><th>payload</th></tr>
 *   <tr><td>{@code paaskit.node.advertise}</td><td>node → all</td><td>{@link NodeAdvertisement}</td></tr>
 *   <tr><td>{@code paaskit.node.discover}</td><td>health manager → nodes</td><td>empty: advertise yourselves</td></tr>
 *   <tr><td>{@code paaskit.node.heartbeat}</td><td>node → health manager</td><td>{@link NodeHeartbeat}</td></tr>
 *   <tr><td>{@code paaskit.node.<id>.start}</td><td>health manager → node (request)</td><td>{@link StartBatch} → {@link StartBatch.Acks}</td></tr>
 *   <tr><td>{@code paaskit.node.<id>.stop}</td><td>health manager → node (request)</td><td>{@link StopInstance} → {@link Ack}</td></tr>
 *   <tr><td>{@code paaskit.instance.state}</td><td>node → all</td><td>{@link InstanceReport}</td></tr>
 *   <tr><td>{@code paaskit.router.register}, {@code .unregister}</td><td>node → routers</td><td>{@link RouteRegistration}</td></tr>
 *   <tr><td>{@code paaskit.router.start}</td><td>router → nodes</td><td>empty: register all you run</td></tr>
 *   <tr><td>{@code paaskit.route.confirm}</td><td>controller → routers</td><td>{@link RouteConfirm} → {@link Ack} once routed</td></tr>
 *   <tr><td>{@code paaskit.node.<id>.sync}</td><td>health manager → node (publish, or request as a probe)</td><td>empty: send a full heartbeat; a request is answered with an empty reply</td></tr>
 *   <tr><td>{@code paaskit.node.<id>.logs}</td><td>controller → node (request)</td><td>{@link LogsRequest} → {@link LogsRequest.Reply}</td></tr>
 *   <tr><td>{@code paaskit.logs.<app>}</td><td>node → followers</td><td>{@link LogMessage}, one per line</td></tr>
 *   <tr><td>{@code paaskit.event}</td><td>any → controller</td><td>{@link EventMessage}</td></tr>
 * </table>
 */
public final class Subjects {
  public static final String NODE_ADVERTISE = "paaskit.node.advertise";
  public static final String NODE_DISCOVER = "paaskit.node.discover";
  public static final String NODE_HEARTBEAT = "paaskit.node.heartbeat";
  public static final String INSTANCE_STATE = "paaskit.instance.state";
  public static final String ROUTER_REGISTER = "paaskit.router.register";
  public static final String ROUTER_UNREGISTER = "paaskit.router.unregister";
  public static final String ROUTER_START = "paaskit.router.start";
  /** What a router subscribes to: registrations, unregistrations, and its own start notice. */
  public static final String ROUTER_ALL = "paaskit.router.*";
  /**
   * Request, a waiting deployment to the routers: {@link RouteConfirm}, answered with an
   * {@link Ack} once the router routes to every instance named (outside {@code paaskit.router.*},
   * which routers take as registrations).
   */
  public static final String ROUTE_CONFIRM = "paaskit.route.confirm";
  public static final String EVENT = "paaskit.event";

  private Subjects() {}

  public static String nodeStart(String nodeId) {
    return "paaskit.node." + nodeId + ".start";
  }

  public static String nodeStop(String nodeId) {
    return "paaskit.node." + nodeId + ".stop";
  }

  /** Asks a node for a full heartbeat now; the payload is empty. */
  public static String nodeSync(String nodeId) {
    return "paaskit.node." + nodeId + ".sync";
  }

  public static String nodeLogs(String nodeId) {
    return "paaskit.node." + nodeId + ".logs";
  }

  /** Where every output line of the app's instances is published; app names are DNS labels. */
  public static String logs(String appName) {
    return "paaskit.logs." + appName;
  }
}
