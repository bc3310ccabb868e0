package dev.paaskit.generic;

import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.generic.internal.GenericSubjects;
import dev.paaskit.generic.internal.HostAdvert;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which agent host holds which agent. Hosts are learnt from their adverts; an agent goes to the
 * host holding the fewest. Agents a host no longer holds, or whose host stopped answering, are
 * placed again; agents of no service are removed from their host. Placing and removing take the
 * manager's lock, so they never interleave with a change to a service. Thread-safe.
 */
final class Placements {
  private static final Logger log = LoggerFactory.getLogger(Placements.class);

  private final MessageBus bus;
  private final StateStore store;
  private final Executor executor;
  private final AgentRequests requests;
  private final Object lock;
  /** Agent id to the host that holds it. */
  private final Map<String, String> hostOf = new ConcurrentHashMap<>();
  private final Set<String> hosts = ConcurrentHashMap.newKeySet();
  private Subscription adverts;

  Placements(MessageBus bus, StateStore store, Executor executor, AgentRequests requests,
      Object lock) {
    this.bus = bus;
    this.store = store;
    this.executor = executor;
    this.requests = requests;
    this.lock = lock;
  }

  /** Listens for hosts and asks them to advertise. */
  synchronized void start() {
    adverts = bus.subscribe(GenericSubjects.HOST_ADVERTISE, m -> {
      HostAdvert advert = Json.read(m.data(), HostAdvert.class);
      executor.execute(() -> onAdvert(advert));
    });
    bus.publish(GenericSubjects.HOST_DISCOVER, new byte[0]);
  }

  synchronized void stop() {
    if (adverts != null) {
      adverts.close();
      adverts = null;
    }
  }

  /** The host holding {@code agentId}, or null. */
  String hostOf(String agentId) {
    return hostOf.get(agentId);
  }

  /**
   * Places {@code agent} on the host holding the fewest agents; a host found gone is forgotten
   * and the next one tried.
   */
  AgentOutcome place(ServiceRecord record, AgentInfo agent) {
    synchronized (lock) {
      while (true) {
        Optional<String> host = hosts.stream()
            .min((x, y) -> Long.compare(agentsOn(x), agentsOn(y)));
        if (host.isEmpty()) {
          return new AgentOutcome(agent.id(), false, "not placed: no agent host has advertised");
        }
        try {
          Ack ack = requests.ack(GenericSubjects.hostPlace(host.get()),
              Json.write(record.config(agent)));
          if (ack.ok()) {
            hostOf.put(agent.id(), host.get());
            return new AgentOutcome(agent.id(), true, "placed on " + host.get());
          }
          return new AgentOutcome(agent.id(), false, ack.error());
        } catch (AgentRequests.Unreachable e) {
          log.warn("could not place agent {} on host {}: {}", agent.id(), host.get(),
              e.getMessage());
          if (!e.gone) {
            return new AgentOutcome(agent.id(), false, "host " + host.get() + ": " + e.getMessage());
          }
          hosts.remove(host.get());
        }
      }
    }
  }

  /** Asks the agent's host to stop it and delete its folder; logs when that fails. */
  void unplace(String agentId) {
    String host = hostOf.remove(agentId);
    if (host == null) {
      return;
    }
    try {
      Ack ack = requests.ack(GenericSubjects.hostRemove(host),
          agentId.getBytes(StandardCharsets.UTF_8));
      if (!ack.ok()) {
        log.warn("host {} did not remove agent {}: {}", host, agentId, ack.error());
      }
    } catch (AgentRequests.Unreachable e) {
      log.warn("could not remove agent {} from host {}: {}", agentId, host, e.getMessage());
    }
  }

  /**
   * Forgets that {@code agentId} is on {@code host}, whose subscription is gone (the host
   * stopped or died), and places it again, on the executor.
   */
  void lost(String agentId, String host) {
    if (host != null && hostOf.remove(agentId, host)) {
      log.warn("agent {} on host {} does not answer any more; placing it again", agentId, host);
      executor.execute(() -> {
        synchronized (lock) {
          placeUnplaced(ServiceRecord.all(store));
        }
      });
    }
  }

  /**
   * Learns a host and what it holds: agents it no longer holds are placed again, agents of no
   * service (deleted while this manager was away) are removed from it.
   */
  private void onAdvert(HostAdvert advert) {
    synchronized (lock) {
      hosts.add(advert.hostId());
      Set<String> held = new HashSet<>(advert.agentIds());
      hostOf.entrySet().removeIf(e -> e.getValue().equals(advert.hostId())
          && !held.contains(e.getKey()));
      List<ServiceRecord> records = ServiceRecord.all(store);
      Set<String> wanted = new HashSet<>();
      records.forEach(r -> r.agents().forEach(a -> wanted.add(a.id())));
      for (String id : advert.agentIds()) {
        if (!wanted.contains(id)) {
          hostOf.put(id, advert.hostId());
          unplace(id);
        } else {
          hostOf.putIfAbsent(id, advert.hostId());
        }
      }
      placeUnplaced(records);
    }
  }

  private void placeUnplaced(List<ServiceRecord> records) {
    for (ServiceRecord record : records) {
      for (AgentInfo a : record.agents()) {
        if (!hostOf.containsKey(a.id())) {
          place(record, a);
        }
      }
    }
  }

  private long agentsOn(String hostId) {
    return hostOf.values().stream().filter(hostId::equals).count();
  }
}
