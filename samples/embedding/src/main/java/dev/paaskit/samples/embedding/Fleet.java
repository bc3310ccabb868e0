package dev.paaskit.samples.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's own inventory of virtual machines: what the host already had before it embedded
 * PaaSKit. PaaSKit's instances become VMs here through {@link FleetBackend}. Thread-safe.
 */
public final class Fleet {
  /** One VM: which PaaSKit instance it runs, on which node, for which app. */
  public record Vm(String id, String node, String app, long memoryBytes) {}

  private final Map<String, Vm> vms = new ConcurrentHashMap<>();

  Vm boot(String id, String node, String app, long memoryBytes) {
    Vm vm = new Vm(id, node, app, memoryBytes);
    if (vms.putIfAbsent(id, vm) != null) {
      throw new IllegalStateException("vm " + id + " is already running");
    }
    return vm;
  }

  boolean shutdown(String id) {
    return vms.remove(id) != null;
  }

  /** The VMs running now. */
  public List<Vm> vms() {
    return new ArrayList<>(vms.values());
  }
}
