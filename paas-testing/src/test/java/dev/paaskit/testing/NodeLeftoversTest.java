package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.NodeCapacity;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.node.PortAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node restarted after a kill -9 ends the instances its earlier life left running. */
@Timeout(30)
class NodeLeftoversTest {
  @TempDir Path tmp;

  @Test
  void processesLeftInInstanceFoldersAreKilledAndTheFoldersRemoved() throws Exception {
    Path leftover = Files.createDirectories(tmp.resolve("n1/instances/old-instance"));
    Process orphan = new ProcessBuilder("sleep", "600").directory(leftover.toFile()).start();
    Process outsider = new ProcessBuilder("sleep", "600").directory(tmp.toFile()).start();
    try (PaasCloud cloud = PaasKit.builder().cartridges(StubCartridge.source())
        .workDir(tmp.resolve("cloud"))
        .addRole(NodeAgent.builder().id("n1").capacity(NodeCapacity.of("1G", "1G"))
            .backend(FakeBackend.create()).ports(PortAllocator.create()).workDir(tmp.resolve("n1")))
        .build().start()) {
      assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the leftover process was ended");
      assertFalse(Files.exists(leftover), "the leftover folder was removed");
      assertTrue(outsider.isAlive(), "a process outside the node's folders is left alone");
    } finally {
      orphan.destroyForcibly();
      outsider.destroyForcibly();
    }
  }
}
