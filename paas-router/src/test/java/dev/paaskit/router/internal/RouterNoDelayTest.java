package dev.paaskit.router.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.core.internal.util.JdkHttpServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router's front is the JDK HTTP server, which stalls each small answer about 40 ms on Nagle
 * against delayed ACKs unless the JVM runs with {@code -Dsun.net.httpserver.nodelay=true}. The
 * server reads the property once and sets TCP_NODELAY on the sockets it accepts, where neither
 * a client nor the router can see it; a latency threshold would see it, but fails on a busy
 * machine. So these tests check the two things that keep answers prompt: the test JVM (as the
 * {@code paaskit} launcher) passes the property, and a router started without it says so.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RouterNoDelayTest {
  private static final String WARNING = "router probe: small answers may wait ~40 ms for delayed "
      + "ACKs; start the JVM with -D" + JdkHttpServers.NO_DELAY_PROPERTY + "=true";

  @TempDir Path dir;

  @Test
  void theTestsRunTheJdkServerWithNoDelay() {
    assertEquals("true", System.getProperty(JdkHttpServers.NO_DELAY_PROPERTY),
        "surefire's argLine must pass -D" + JdkHttpServers.NO_DELAY_PROPERTY + "=true, or every "
            + "small answer in these tests waits for a delayed ACK");
  }

  @Test
  void aRouterInAJvmWithoutNoDelayWarnsAndOneWithItDoesNot() throws Exception {
    String without = probe(null);
    assertTrue(without.contains(WARNING), without);

    String with = probe("-D" + JdkHttpServers.NO_DELAY_PROPERTY + "=true");
    assertTrue(with.contains("router probe listening on"), "the probe logged nothing: " + with);
    assertFalse(with.contains("delayed ACK"), with);
  }

  /** Runs {@link NagleProbe} in a JVM of its own and returns what it logged. */
  private String probe(String option) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1"));
    if (option != null) {
      command.add(option);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        NagleProbe.class.getName()));
    Path output = Files.createTempFile(dir, "probe-", ".log");
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      // Bounds a hang only: a JVM that starts and stops a router ends in a second or two.
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not end: "
          + Files.readString(output));
    } finally {
      child.destroyForcibly();
    }
    String logged = Files.readString(output);
    assertEquals(0, child.exitValue(), logged);
    return logged;
  }
}
