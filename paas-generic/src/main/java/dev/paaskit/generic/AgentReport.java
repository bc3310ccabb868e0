package dev.paaskit.generic;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an agent says about itself.
 *
 * @param codeVersion the version it holds, or null
 * @param running the script running now, or null
 * @param scripts every script's report
 */
public record AgentReport(String agentId, String ip, String role, String codeVersion,
    Script running, Map<Script, ScriptReport> scripts) {
  public AgentReport {
    Objects.requireNonNull(agentId, "agentId");
    Map<Script, ScriptReport> all = new EnumMap<>(Script.class);
    for (Script s : Script.values()) {
      all.put(s, scripts == null ? ScriptReport.NEVER : scripts.getOrDefault(s, ScriptReport.NEVER));
    }
    scripts = Map.copyOf(all);
  }

  public ScriptReport script(Script script) {
    return scripts.get(script);
  }
}
