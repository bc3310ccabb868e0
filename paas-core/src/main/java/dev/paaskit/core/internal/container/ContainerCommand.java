package dev.paaskit.core.internal.container;

import com.google.common.util.concurrent.Uninterruptibles;
import dev.paaskit.api.spi.Cancellable;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerListener;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command as a short-lived container on a {@link ContainerBackend}: creates it from a
 * spec, starts it, passes its output to the spec's listener, waits for its end within a bound,
 * stops it at once when the bound passes (or the waiting thread is interrupted), and removes it
 * in every case. This is how the engine runs code it does not trust outside an instance: staging
 * commands, buildpack scripts, staging hooks, cartridge scripts of gears.
 *
 * <p>What a caller puts in the spec: the folder the command works in as {@code workDir} (an
 * isolating backend makes it writable by the container's user), every other folder it needs as
 * a {@link ContainerSpec.Mount} (writable ones are made writable by the backend too, read-only
 * ones only need to be readable by anyone), its limits, and its complete environment: nothing of
 * the server's is inherited. What the command writes to those folders is there for the caller
 * to read once {@link #run} returned.
 *
 * <pre>{@code
 * ExitStatus exit = ContainerCommand.run(backend, new ContainerSpec(ContainerCommand.id("hook"),
 *     buildDir, "make", env, limits, listener, List.of(new Mount(cacheDir, true))),
 *     ContainerCommand.ExitWait.within(Duration.ofMinutes(5)));
 * }</pre>
 *
 * <p>Static and stateless; thread-safe as far as the backend is.
 */
public final class ContainerCommand {
  /** How long a stopped container may take to end before removing it is given up. */
  static final Duration STOP_WAIT = Duration.ofSeconds(10);
  private static final int MAX_ID_PREFIX = 48;

  private static final Logger log = LoggerFactory.getLogger(ContainerCommand.class);

  private ContainerCommand() {}

  /**
   * Runs {@code spec} as a container on {@code backend} to its end, and removes it.
   *
   * <p>The spec's listener hears every line and the exit, as the backend reports them; a
   * listener that throws hears nothing more, and its exception is thrown once the container is
   * removed.
   *
   * @param backend where the container runs
   * @param spec what to run; its id must be free on the backend
   * @param wait how long to wait for the end
   * @return how the command ended, once every line was passed on
   * @throws TimeoutException when the wait ran out: the container was stopped without grace and
   *     removed
   * @throws InterruptedException when the calling thread was interrupted while waiting: the
   *     container was stopped without grace and removed, and the interrupt consumed
   * @throws IOException when the backend could not create, start or remove the container
   */
  public static ExitStatus run(ContainerBackend backend, ContainerSpec spec, ExitWait wait)
      throws IOException, InterruptedException, TimeoutException {
    Objects.requireNonNull(wait, "wait");
    Heard heard = new Heard(spec.listener());
    backend.create(new ContainerSpec(spec.id(), spec.workDir(), spec.command(), spec.env(),
        spec.limits(), heard, spec.mounts()));
    Throwable failure = null;
    try {
      backend.start(spec.id());
      boolean ended;
      try {
        ended = wait.exited(heard.exit);
      } catch (InterruptedException e) {
        stopAndAwait(backend, spec.id(), heard);
        throw e;
      }
      if (!ended) {
        stopAndAwait(backend, spec.id(), heard);
        throw new TimeoutException("container " + spec.id() + " did not end in time and was "
            + "stopped");
      }
      heard.rethrow();
      return heard.exit.join();
    } catch (Throwable e) {
      failure = e;
      throw e;
    } finally {
      remove(backend, spec.id(), failure);
    }
  }

  /** Stops the container without grace and waits a bounded time for its end to be heard. */
  private static void stopAndAwait(ContainerBackend backend, String id, Heard heard) {
    try {
      backend.stop(id, Duration.ZERO);
      Uninterruptibles.getUninterruptibly(heard.exit, STOP_WAIT.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException | RuntimeException e) {
      log.warn("container {} did not end within {} of its stop: {}", id, STOP_WAIT, e.toString());
    }
  }

  private static void remove(ContainerBackend backend, String id, Throwable failure)
      throws IOException {
    try {
      backend.remove(id);
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
  }

  /**
   * A container id, unique with high probability: {@code parts} joined by {@code -}, each
   * character other than a letter, a digit, {@code .}, {@code _} or {@code -} replaced by
   * {@code _}, cut to 48 characters, then a random suffix.
   *
   * @param parts what the container is for, such as the app's name and the step
   * @return an id such as {@code stage-shop-compile-3f9a0c1d2e4b}
   */
  public static String id(String... parts) {
    String prefix = String.join("-", parts).replaceAll("[^A-Za-z0-9._-]", "_");
    if (prefix.length() > MAX_ID_PREFIX) {
      prefix = prefix.substring(0, MAX_ID_PREFIX);
    }
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffffL);
    return prefix + "-" + "0".repeat(12 - suffix.length()) + suffix;
  }

  /**
   * The shell command line that runs {@code argv} as it is, each word quoted.
   *
   * @param argv the program and its arguments, not empty
   * @return such as {@code exec '/bp/bin/compile' '/build dir'}
   * @throws IllegalArgumentException if {@code argv} is empty
   */
  public static String commandLine(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("no command given");
    }
    return "exec " + argv.stream().map(ContainerCommand::quote).collect(Collectors.joining(" "));
  }

  /**
   * {@code commandLine} with its standard error sent to its standard output, so that its lines
   * arrive in the order written, all on {@code STDOUT}.
   *
   * @param commandLine a shell command line, possibly of several lines
   * @return the command line after {@code exec 2>&1} on a line of its own
   */
  public static String mergingStderr(String commandLine) {
    return "exec 2>&1\n" + commandLine;
  }

  /**
   * One word for {@code /bin/sh}, quoted so that the shell reads it as it is.
   *
   * @param word any text
   * @return the text in single quotes, each {@code '} in it written {@code '\''}
   */
  public static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** How {@link #run} waits for a container's end. */
  @FunctionalInterface
  public interface ExitWait {
    /**
     * Waits for {@code exit} to complete.
     *
     * @param exit completes once the container ended and all its output was heard
     * @return true once it completed, false when the time allowed ran out first
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean exited(CompletableFuture<ExitStatus> exit) throws InterruptedException;

    /**
     * Waits up to {@code timeout} of real time.
     *
     * @param timeout zero or negative to wait not at all (an exit already heard still counts)
     * @return a wait
     */
    static ExitWait within(Duration timeout) {
      long nanos = saturatedNanos(timeout);
      return exit -> {
        try {
          exit.get(nanos, TimeUnit.NANOSECONDS);
          return true;
        } catch (TimeoutException e) {
          return false;
        } catch (ExecutionException e) {
          return true;
        }
      };
    }

    /**
     * Waits until {@code timeout} has passed on {@code clock}: with a virtual clock, until the
     * test advances it that far.
     *
     * @param clock the clock whose timer ends the wait
     * @param timeout zero or negative to end the wait at the clock's next tick
     * @return a wait
     */
    static ExitWait on(Clock clock, Duration timeout) {
      Objects.requireNonNull(clock, "clock");
      return exit -> {
        if (exit.isDone()) {
          return true;
        }
        CompletableFuture<Void> due = new CompletableFuture<>();
        Cancellable timer = clock.schedule(timeout.isNegative() ? Duration.ZERO : timeout,
            () -> due.complete(null));
        try {
          CompletableFuture.anyOf(exit, due).get();
        } catch (ExecutionException e) {
          // Neither future fails.
        } finally {
          timer.cancel();
        }
        return exit.isDone();
      };
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return Math.max(0, d.toNanos());
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  /** Passes the backend's reports on, and completes {@link #exit} after the last one. */
  private static final class Heard implements ContainerListener {
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final ContainerListener delegate;
    private volatile RuntimeException failure;

    Heard(ContainerListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onOutput(Stream stream, String line) {
      if (failure != null) {
        return;
      }
      try {
        delegate.onOutput(stream, line);
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    @Override
    public void onExit(ExitStatus status) {
      try {
        if (failure == null) {
          delegate.onExit(status);
        }
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        exit.complete(status);
      }
    }

    void rethrow() {
      RuntimeException e = failure;
      if (e != null) {
        throw e;
      }
    }
  }
}
