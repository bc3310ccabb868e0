package dev.paaskit.core.internal.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.api.spi.ResourceLimits;
import dev.paaskit.core.internal.container.ContainerCommand.ExitWait;
import dev.paaskit.core.internal.container.RecordingBackend.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One command as a short-lived container: created, started, heard, waited for and removed. */
@Timeout(30)
class ContainerCommandTest {
  private static final ResourceLimits LIMITS = new ResourceLimits(1 << 20, 1 << 21, 512);
  private static final Path DIR = Path.of("/work/build");

  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final ContainerListener listener = new ContainerListener() {
    @Override
    public void onOutput(Stream stream, String line) {
      heard.add(stream + " " + line);
    }

    @Override
    public void onExit(ExitStatus status) {
      heard.add("exit " + status.exitCode());
    }
  };

  private ContainerSpec spec(String id) {
    return new ContainerSpec(id, DIR, "make", Map.of("A", "1"), LIMITS, listener,
        List.of(new ContainerSpec.Mount(Path.of("/cache"), true)));
  }

  @Test
  void aCommandRunsToItsEndIsHeardAndIsRemoved() throws Exception {
    RecordingBackend backend = new RecordingBackend(s -> Run.exits(3, "one", "two"));

    ExitStatus exit = ContainerCommand.run(backend, spec("job-1"), ExitWait.within(
        Duration.ofSeconds(10)));

    assertEquals(ExitStatus.exited(3), exit);
    assertEquals(List.of("STDOUT one", "STDOUT two", "exit 3"), heard);
    assertEquals(List.of("create job-1", "start job-1", "remove job-1"), backend.calls());
    ContainerSpec created = backend.specs().get(0);
    assertEquals(List.of("job-1", DIR, "make", Map.of("A", "1"), LIMITS, spec("x").mounts()),
        List.of(created.id(), created.workDir(), created.command(), created.env(),
            created.limits(), created.mounts()));
    assertEquals(List.of(), backend.list());
  }

  @Test
  void aCommandOutlivingItsWaitIsStoppedWithoutGraceAndRemoved() {
    RecordingBackend backend = new RecordingBackend(s -> Run.hangs("working"));

    assertThrows(TimeoutException.class, () -> ContainerCommand.run(backend, spec("slow"),
        ExitWait.within(Duration.ZERO)));

    assertEquals(List.of("create slow", "start slow", "stop slow PT0S", "remove slow"),
        backend.calls());
    assertEquals(List.of("STDOUT working", "exit 137"), heard);
    assertEquals(List.of(), backend.list());
  }

  @Test
  void anInterruptedWaitStopsAndRemovesTheContainer() {
    RecordingBackend backend = new RecordingBackend(s -> Run.hangs());
    ExitWait interrupted = exit -> {
      throw new InterruptedException("test");
    };

    assertThrows(InterruptedException.class,
        () -> ContainerCommand.run(backend, spec("cut"), interrupted));

    assertEquals(List.of("create cut", "start cut", "stop cut PT0S", "remove cut"),
        backend.calls());
  }

  @Test
  void aContainerThatCannotStartIsRemovedAndTheFailureGoesOn() {
    IOException refused = new IOException("no such program");
    RecordingBackend recording = new RecordingBackend(s -> Run.exits(0));
    ForwardingBackend backend = new ForwardingBackend(recording) {
      @Override
      public void start(String id) throws IOException {
        throw refused;
      }
    };

    IOException e = assertThrows(IOException.class, () -> ContainerCommand.run(backend,
        spec("broken"), ExitWait.within(Duration.ofSeconds(10))));

    assertSame(refused, e);
    assertEquals(List.of("create broken", "remove broken"), recording.calls());
  }

  @Test
  void aListenerThatThrowsHearsNoMoreAndItsFailureComesAfterTheRemoval() {
    RecordingBackend backend = new RecordingBackend(s -> Run.exits(0, "one", "two"));
    IllegalStateException boom = new IllegalStateException("log closed");
    ContainerSpec spec = new ContainerSpec("loud", DIR, "make", Map.of(), LIMITS,
        new ContainerListener() {
          @Override
          public void onOutput(Stream stream, String line) {
            heard.add(line);
            throw boom;
          }
        });

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ContainerCommand.run(backend, spec, ExitWait.within(Duration.ofSeconds(10))));

    assertSame(boom, e);
    assertEquals(List.of("one"), heard);
    assertEquals(List.of("create loud", "start loud", "remove loud"), backend.calls());
  }

  @Test
  void aClockWaitEndsWhenTheClockSaysSo() throws Exception {
    ManualTimer clock = new ManualTimer();
    CompletableFuture<ExitStatus> never = new CompletableFuture<>();
    CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
      try {
        return ExitWait.on(clock, Duration.ofMinutes(5)).exited(never);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    clock.fireWhenScheduled(Duration.ofMinutes(5));

    assertEquals(false, waited.get());
    CompletableFuture<ExitStatus> ended = CompletableFuture.completedFuture(ExitStatus.exited(0));
    assertTrue(ExitWait.on(clock, Duration.ofMinutes(5)).exited(ended));
  }

  @Test
  void idsNameTheirPurposeInCharactersEveryBackendTakesAndDiffer() {
    String id = ContainerCommand.id("stage", "my app/ü", "bin/compile");

    assertTrue(id.matches("stage-my_app__-bin_compile-[0-9a-f]{12}"), id);
    assertTrue(!id.equals(ContainerCommand.id("stage", "my app/ü", "bin/compile")));
  }

  @Test
  void aCommandLineQuotesEveryWord() {
    assertEquals("exec '/bp/bin/compile' '/build dir' 'it'\\''s'",
        ContainerCommand.commandLine(List.of("/bp/bin/compile", "/build dir", "it's")));
  }
}
