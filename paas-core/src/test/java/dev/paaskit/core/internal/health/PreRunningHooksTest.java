package dev.paaskit.core.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command a node runs for an app with pre-running hooks, run by a real shell. */
@Timeout(10)
class PreRunningHooksTest {
  private static String[] run(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("/bin/sh", "-c", command).start();
    assertTrue(p.waitFor(5, TimeUnit.SECONDS));
    return new String[] {String.valueOf(p.exitValue()),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)};
  }

  @Test
  void hooksRunInOrderBeforeTheApp() throws Exception {
    String[] r = run(HealthManager.withPreRunningHooks(List.of("echo one", "echo 'two three'"), "echo app"));
    assertEquals("0", r[0]);
    assertEquals("one\ntwo three\napp\n", r[1]);
  }

  @Test
  void aFailingHookEndsTheInstanceWithItsCodeAndSaysWhich() throws Exception {
    String[] r = run(HealthManager.withPreRunningHooks(List.of("echo ok", "test -f 'no such file'"),
        "echo never"));
    assertEquals("1", r[0]);
    assertEquals("ok\n", r[1]);
    assertEquals("pre-running hook test -f 'no such file' failed with exit code 1\n", r[2]);
  }

  @Test
  void noHooksLeaveTheCommandAlone() {
    assertEquals("exec python3 app.py", HealthManager.withPreRunningHooks(List.of(), "exec python3 app.py"));
  }
}
