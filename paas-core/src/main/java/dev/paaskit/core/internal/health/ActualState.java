package dev.paaskit.core.internal.health;

import dev.paaskit.api.NodeStatus;
import dev.paaskit.core.internal.protocol.InstanceReport;
import java.util.List;

/** What runs where, as the controller reads it to answer queries. */
public interface ActualState {
  /** The app's instances, sorted by index. */
  List<InstanceReport> instancesOf(String appId);

  /** Every known node, sorted by id. */
  List<NodeStatus> nodes();
}
