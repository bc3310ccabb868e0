package dev.paaskit.generic;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an agent says about itself.
 *
 * @param agentId the agent, {@code <service>-<n>}
 * @param ip the agent's loopback address, or null before the manager configured it
 * @param role {@link AgentInfo#MASTER} or {@link AgentInfo#NODE}, or null before the manager
 *     configured it
 * @param codeVersion the version it holds, or null
 * @param running the script running now, or null
 * @param scripts every script's report, one for each {@link Script}
 */
public record AgentReport(String agentId, String ip, String role, String codeVersion,
    Script running, Map<Script, ScriptReport> scripts) {
  /**
   * Copies the reports, filling in {@link ScriptReport#NEVER} for every script missing.
   *
   * @param agentId not null
   * @param ip null before the agent was configured
   * @param role null before the agent was configured
   * @param codeVersion null when no code version is active
   * @param running null when no script runs
   * @param scripts null, or reports of some or all scripts; copied
   * @throws NullPointerException if {@code agentId} is null, or {@code scripts} holds a null key
   *     or report
   */
  public AgentReport {
    Objects.requireNonNull(agentId, "agentId");
    Map<Script, ScriptReport> all = new EnumMap<>(Script.class);
    for (Script s : Script.values()) {
      all.put(s, scripts == null ? ScriptReport.NEVER : scripts.getOrDefault(s, ScriptReport.NEVER));
    }
    scripts = Map.copyOf(all);
  }

  /**
   * The report of one script.
   *
   * @param script any script
   * @return its report, never null: {@link ScriptReport#NEVER} for a script that never ran
   */
  public ScriptReport script(Script script) {
    return scripts.get(script);
  }
}
