package dev.paaskit.generic;

import dev.paaskit.api.spi.StateStore;
import dev.paaskit.api.spi.StoreEntry;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.generic.internal.AgentConfig;
import dev.paaskit.generic.internal.CodeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A generic service as kept in the state store under {@code generic.services.<name>}.
 *
 * @param nextAgent the number the next agent gets; numbers are never reused
 * @param epoch grows whenever agents are added or removed
 * @param activation grows with every activation
 */
record ServiceRecord(String name, List<AgentInfo> agents, int nextAgent, long epoch,
    List<CodeVersion> codeVersions, String activeVersion, long activation) {
  /** Store prefix of service records. */
  static final String PREFIX = "generic.services.";

  ServiceRecord {
    agents = List.copyOf(agents);
    codeVersions = List.copyOf(codeVersions == null ? List.of() : codeVersions);
  }

  static String key(String name) {
    return PREFIX + name;
  }

  static ServiceRecord read(StoreEntry entry) {
    return Json.read(entry.value(), ServiceRecord.class);
  }

  /** Every service in {@code store}, sorted by name. */
  static List<ServiceRecord> all(StateStore store) {
    return store.list(PREFIX).stream().map(ServiceRecord::read).toList();
  }

  GenericService view() {
    return new GenericService(name, agents, codeVersions, activeVersion);
  }

  AgentInfo master() {
    return agents.get(0);
  }

  Optional<CodeVersion> version(String version) {
    return codeVersions.stream().filter(v -> v.version().equals(version)).findFirst();
  }

  CodeRef codeRef() {
    return version(activeVersion)
        .map(v -> new CodeRef(v.version(), v.sha256(), activation)).orElse(null);
  }

  AgentConfig config(AgentInfo agent) {
    return new AgentConfig(name, agent, master().ip(), epoch, agents, codeRef());
  }

  ServiceRecord withAgents(List<AgentInfo> newAgents, int newNext) {
    return new ServiceRecord(name, newAgents, newNext, epoch + 1, codeVersions, activeVersion,
        activation);
  }

  ServiceRecord withVersion(CodeVersion version) {
    List<CodeVersion> all = new ArrayList<>(codeVersions);
    all.add(version);
    return new ServiceRecord(name, agents, nextAgent, epoch, all, activeVersion, activation);
  }

  ServiceRecord activate(String version) {
    return new ServiceRecord(name, agents, nextAgent, epoch, codeVersions, version,
        activation + 1);
  }
}
