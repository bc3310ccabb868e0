package dev.paaskit.generic;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A generic service as stored: its agents (master first), its code versions in upload order and
 * the active one.
 *
 * @param activeVersion the active code version, or null before one was activated
 */
public record GenericService(String name, List<AgentInfo> agents, List<CodeVersion> codeVersions,
    String activeVersion) {
  public GenericService {
    Objects.requireNonNull(name, "name");
    agents = List.copyOf(agents);
    codeVersions = List.copyOf(codeVersions);
  }

  public Optional<CodeVersion> active() {
    return codeVersions.stream().filter(v -> v.version().equals(activeVersion)).findFirst();
  }
}
