package dev.paaskit.generic;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A generic service as stored: its agents (master first), its code versions in upload order and
 * the active one.
 *
 * @param name the service's name, a DNS label unique among generic services
 * @param agents the agents, master first, then the nodes in the order they were added
 * @param codeVersions every code version uploaded, oldest first
 * @param activeVersion the active code version, or null before one was activated
 */
public record GenericService(String name, List<AgentInfo> agents, List<CodeVersion> codeVersions,
    String activeVersion) {
  /**
   * Copies the lists.
   *
   * @param name not null
   * @param agents copied
   * @param codeVersions copied
   * @param activeVersion null before one was activated; not checked against
   *     {@code codeVersions}
   * @throws NullPointerException if {@code name} or a list is null, or a list holds a null
   */
  public GenericService {
    Objects.requireNonNull(name, "name");
    agents = List.copyOf(agents);
    codeVersions = List.copyOf(codeVersions);
  }

  /**
   * The active code version.
   *
   * @return the code version named {@code activeVersion}; empty before one was activated
   */
  public Optional<CodeVersion> active() {
    return codeVersions.stream().filter(v -> v.version().equals(activeVersion)).findFirst();
  }
}
