package dev.paaskit.node.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ContainerState;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real runc: what the contract kit cannot see, state folders shared over time or not at all. */
@Timeout(120)
class RuncBackendTest {
  private static final ResourceLimits LIMITS =
      new ResourceLimits(128L << 20, 128L << 20, 1024);
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

  @TempDir Path tmp;

  @BeforeAll
  static void needsRunc() {
    Optional<String> unavailable = RuncBackend.unavailableBecause();
    assumeTrue(unavailable.isEmpty(), () -> "needs root and a working runc: " + unavailable);
  }

  private static final class Seen implements ContainerListener {
    final CompletableFuture<Void> up = new CompletableFuture<>();
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    @Override
    public void onOutput(Stream stream, String line) {
      up.complete(null);
    }

    @Override
    public void onExit(ExitStatus status) {
      exit.complete(status);
    }
  }

  private Seen run(RuncBackend backend, String id) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("work").resolve(backend.hashCode() + id));
    Seen seen = new Seen();
    backend.create(new ContainerSpec(id, dir, "echo up; exec sleep 300", ENV, LIMITS, seen));
    backend.start(id);
    seen.up.get(30, TimeUnit.SECONDS);
    return seen;
  }

  @Test
  void aBackendOnTheStateFolderOfOneThatDiedRemovesWhatItLeft() throws Exception {
    Path state = tmp.resolve("state");
    // The first life never closes, as after a kill -9 of its JVM.
    RuncBackend first = RuncBackend.builder().stateDir(state).build();
    Seen left = run(first, "web-0");
    long pid = first.inspect("web-0").orElseThrow().pid().orElseThrow();

    try (RuncBackend abandoned = first;
        RuncBackend second = RuncBackend.builder().stateDir(state).build()) {
      ExitStatus ended = left.exit.get(30, TimeUnit.SECONDS);
      assertEquals(9, ended.signal(), "the leftover was killed: " + ended);
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "its init is gone");
      assertEquals(java.util.List.of(), second.runc().list(), "runc holds nothing");
      run(second, "web-0");
      assertEquals(ContainerState.RUNNING, second.inspect("web-0").orElseThrow().state(),
          "the name is free again");
    }
  }

  @Test
  void backendsOnOtherStateFoldersNeverTouchEachOthersContainers() throws Exception {
    try (RuncBackend a = RuncBackend.builder().stateDir(tmp.resolve("a")).build()) {
      Seen inA = run(a, "web-0");
      try (RuncBackend b = RuncBackend.builder().stateDir(tmp.resolve("b")).build()) {
        Seen inB = run(b, "web-0");
        assertEquals(ContainerState.RUNNING, a.inspect("web-0").orElseThrow().state());
        b.stop("web-0", Duration.ZERO).get(30, TimeUnit.SECONDS);
        assertTrue(inB.exit.isDone());
      }
      assertFalse(inA.exit.isDone(), "closing b left a's container running");
      assertEquals(ContainerState.RUNNING, a.inspect("web-0").orElseThrow().state());
    }
  }

  @Test
  void aWorkFolderIsGivenToTheContainersUserButNotAnotherNameOfSomeoneElsesFile()
      throws Exception {
    Path secret = Files.writeString(tmp.resolve("shadow"), "root:secret");
    Path dir = Files.createDirectories(tmp.resolve("work").resolve("app"));
    Files.writeString(dir.resolve("app.py"), "print('hi')");
    Files.createLink(dir.resolve("shadow"), secret);
    try (RuncBackend backend = RuncBackend.builder().stateDir(tmp.resolve("state")).build()) {
      backend.create(new ContainerSpec("web-0", dir, "true", ENV, LIMITS, null));
      int uid = (int) Files.getAttribute(dir.resolve("app.py"), "unix:uid");
      assertTrue(uid >= RuncBackend.DEFAULT_FIRST_UID, "the app's files are its own: " + uid);
      assertEquals(0, (int) Files.getAttribute(secret, "unix:uid"),
          "a hard link in its folder does not give it the file");
      backend.remove("web-0");
    }
  }

  @Test
  void aContainerRuncCannotMakeEndsWithWhatRuncSaidInsteadOfWaitingOutTheTimeout()
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("work").resolve("broken"));
    Seen seen = new Seen();
    try (RuncBackend backend = RuncBackend.builder().stateDir(tmp.resolve("state"))
        .commandTimeout(Duration.ofMinutes(10)).build()) {
      backend.create(new ContainerSpec("broken", dir, "true", ENV, LIMITS, seen,
          java.util.List.of(new ContainerSpec.Mount(tmp.resolve("no-such-folder"), false))));
      backend.start("broken"); // Returns once runc run ended, not after ten minutes.
      ExitStatus exit = seen.exit.get(30, TimeUnit.SECONDS);
      assertTrue(exit.exitCode() != 0, exit.toString());
      assertFalse(backend.inspect("broken").orElseThrow().pid().isPresent(), "never made");
      backend.remove("broken");
    }
  }

  @Test
  void aContainerNeedsAStateFolderAndRefusesBadOptions() {
    assertThrows(IllegalStateException.class, () -> RuncBackend.builder().build());
    assertThrows(IllegalArgumentException.class, () -> RuncBackend.builder().pidsLimit(2));
    assertThrows(IllegalArgumentException.class, () -> RuncBackend.builder().uids(0, 10));
    assertThrows(IllegalArgumentException.class,
        () -> RuncBackend.builder().rootfs(Path.of("relative")));
  }

  @Test
  void idsRuncRefusesAreNamedByTheirHash() {
    assertEquals("pk-web-0", RuncBackend.runcName("web-0"));
    String odd = RuncBackend.runcName("app/with spaces");
    assertTrue(odd.matches("pk-[0-9a-f]{16}"), odd);
    assertFalse(odd.equals(RuncBackend.runcName("app/with spaces2")));
  }
}
