package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Build scripts see where tools are, and none of the server's own variables. */
@Timeout(30)
class BuildEnvironmentTest {
  @TempDir Path tmp;

  @Test
  void aBuildKeepsPathAndHomeButNotTheServersOtherVariables() {
    Map<String, String> env = BuildProcess.baseEnvironment(Map.of("PATH", "/usr/bin:/bin",
        "HOME", "/root", "PAASKIT_NATS_PASSWORD", "hunter2", "AWS_SECRET_ACCESS_KEY", "abc"));
    assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/root"), env);
  }

  @Test
  void aCapturedCommandSeesOnlyWhatItWasGivenAndTheKeptVariables() throws IOException {
    BuildProcess.Captured out = BuildProcess.capture(BuildProcess.Sandbox.host(tmp),
        List.of("env"), Map.of("APP_VAR", "1"),
        System.nanoTime() + Duration.ofSeconds(60).toNanos(), 64 * 1024, line -> { });
    String text = out.stdout();
    assertTrue(text.contains("APP_VAR=1"), text);
    assertTrue(text.contains("PATH="), text);
    for (String name : System.getenv().keySet()) {
      if (!List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "SHELL", "JAVA_HOME", "PWD",
          "SHLVL", "_").contains(name)) {
        assertFalse(text.contains("\n" + name + "=") || text.startsWith(name + "="),
            name + " leaked into a build: " + text);
      }
    }
  }
}
