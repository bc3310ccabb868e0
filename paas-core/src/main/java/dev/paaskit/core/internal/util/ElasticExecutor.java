package dev.paaskit.core.internal.util;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread pool sized for short tasks that still lets tasks block. It keeps {@code base} threads
 * for work, plus one for each task that is blocked: running for longer than {@code stall} and
 * using next to no CPU meanwhile (waiting on a lock, a reply, a process, a socket), plus one for
 * each queued task that has waited longer than {@code stall} (at most {@code base} of those, so
 * a short task is not stuck behind long computations), never more than {@code max} in all. A
 * watcher thread adjusts the count; threads no longer needed end as soon as they finish their
 * task, even while work keeps coming. Time the JVM spent collecting garbage does not make a task
 * look blocked.
 *
 * <p>Why not a cached pool: one hands every task to an idle thread or makes a new one, so a
 * burst of short tasks (a bus delivering to thousands of subscriptions) wakes or creates a
 * thread per task, and a cloud of thousands of simulated nodes ends up with thousands of threads
 * and spends much of its CPU in the kernel switching between them. Here a burst queues, and the
 * few threads drain it without a wake-up per task. The price: a task queued behind blocked ones
 * waits up to about {@code stall} before a thread is added for it.
 *
 * <p>Thread-safe. {@link #close()} stops accepting tasks, interrupts running ones and drops
 * those queued, as {@link java.util.concurrent.ExecutorService#shutdownNow()} does.
 */
public final class ElasticExecutor implements Executor, AutoCloseable {
  private final int base;
  private final int max;
  private final long stallNanos;
  private final Gauges gauges;
  private final ThreadPoolExecutor pool;
  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  /** Null when the owner looks itself, through {@link #look()}. */
  private final Thread watcher;
  private final AtomicBoolean watcherParked = new AtomicBoolean();
  /** When each running task started, as {@link Gauges#nanoTime()} counts, by its thread. */
  private final ConcurrentHashMap<Thread, Long> running = new ConcurrentHashMap<>();
  /**
   * The previous look at each running task: its start, then, its thread's CPU and the
   * collectors' time, all nanoseconds. Touched by the looking thread only.
   */
  private final HashMap<Thread, long[]> looked = new HashMap<>();
  private volatile boolean closed;

  /**
   * What the executor reads of time and of the JVM to tell a blocked task from a busy one: the
   * JVM's own by default ({@link JvmGauges}); a test passes fakes it moves by hand.
   * Implementations are thread-safe: {@link #nanoTime()} is read by the pool's threads and by
   * {@link #execute}, the rest by the looking thread.
   */
  interface Gauges {
    /** Now, in nanoseconds from an arbitrary origin, as {@link System#nanoTime()} counts. */
    long nanoTime();

    /**
     * CPU time {@code thread} has used so far, nanoseconds; negative when this JVM does not
     * measure it (then every long task counts as blocked).
     */
    long cpuNanos(Thread thread);

    /** Time the collectors that stop the application have taken so far, nanoseconds. */
    long gcNanos();
  }

  /** The JVM's clock, thread CPU times and collector times. */
  static final class JvmGauges implements Gauges {
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    private final boolean cpuTimes =
        cpu.isThreadCpuTimeSupported() && cpu.isThreadCpuTimeEnabled();
    /** Collectors that stop the application: not those timing concurrent cycles. */
    private final List<GarbageCollectorMXBean> collectors =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .filter(c -> !c.getName().contains("Concurrent") && !c.getName().contains("Cycles"))
            .toList();

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; the baseline is 17.
    public long cpuNanos(Thread thread) {
      return cpuTimes ? cpu.getThreadCpuTime(thread.getId()) : -1;
    }

    /** 0 when the collectors do not say. */
    @Override
    public long gcNanos() {
      long millis = 0;
      for (GarbageCollectorMXBean c : collectors) {
        millis += Math.max(0, c.getCollectionTime());
      }
      return TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }

  /** A queued task and when it was queued, as {@link Gauges#nanoTime()} counts. */
  private final class Queued implements Runnable {
    final Runnable task;
    final long queuedNanos;

    Queued(Runnable task, long queuedNanos) {
      this.task = task;
      this.queuedNanos = queuedNanos;
    }

    @Override
    public void run() {
      Thread me = Thread.currentThread();
      running.put(me, gauges.nanoTime());
      try {
        task.run();
      } finally {
        running.remove(me);
      }
    }
  }

  /**
   * @param base threads for short tasks, at least 1
   * @param max most threads at once, at least {@code base}
   * @param stall how long a task may run using next to no CPU, or wait in the queue, before a
   *     thread is added for it; positive
   * @param threads makes the pool's threads and its watcher's
   */
  public ElasticExecutor(int base, int max, Duration stall, ThreadFactory threads) {
    this(base, max, stall, threads, new JvmGauges(), true);
  }

  /**
   * As the public constructor, reading {@code gauges}; with {@code watch} false no watcher thread
   * runs, and the thread count changes only when the caller calls {@link #look()}.
   */
  ElasticExecutor(int base, int max, Duration stall, ThreadFactory threads, Gauges gauges,
      boolean watch) {
    if (base < 1 || max < base) {
      throw new IllegalArgumentException(
          "need 1 <= base <= max, got base " + base + ", max " + max);
    }
    if (stall.isNegative() || stall.isZero()) {
      throw new IllegalArgumentException("stall must be positive, got " + stall);
    }
    this.base = base;
    this.max = max;
    this.stallNanos = stall.toNanos();
    this.gauges = Objects.requireNonNull(gauges, "gauges");
    Objects.requireNonNull(threads, "threads");
    // The maximum follows the core size the watcher sets: with an unbounded queue the pool never
    // adds threads past its core size by itself, and a maximum lowered to it makes threads no
    // longer needed end after their task, where a keep-alive would not, since idle threads take
    // tasks in turn.
    this.pool = new ThreadPoolExecutor(base, base, 60, TimeUnit.SECONDS, queue, threads);
    this.watcher = watch ? threads.newThread(this::watch) : null;
    if (watcher != null) {
      watcher.start();
    }
  }

  /** A pool of twice the processors (at least 4), up to 10,000 threads, stall 10 ms. */
  public static ElasticExecutor create(ThreadFactory threads) {
    int base = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    return new ElasticExecutor(base, 10_000, Duration.ofMillis(10), threads);
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    if (closed) {
      throw new RejectedExecutionException("executor is closed");
    }
    pool.execute(new Queued(task, gauges.nanoTime()));
    if (watcherParked.get() && watcherParked.compareAndSet(true, false)) {
      LockSupport.unpark(watcher);
    }
  }

  /** Threads now in the pool, busy or idle. */
  public int threads() {
    return pool.getPoolSize();
  }

  /**
   * The watcher: looks every half stall while tasks wait, and once a second, or as soon as a task
   * comes, otherwise. Its earlier looks at running tasks are kept, so a task blocked since before
   * the queue emptied counts at once.
   */
  private void watch() {
    while (!closed) {
      look();
      if (queue.isEmpty()) {
        // Nothing waits, so nothing needs a thread now; the next task wakes this look early.
        watcherParked.set(true);
        if (queue.isEmpty() && !closed) {
          LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
        }
        watcherParked.set(false);
      } else {
        LockSupport.parkNanos(this, stallNanos / 2);
      }
    }
  }

  /**
   * Sets the thread count to what the tasks need now. Called by one thread at a time: the watcher,
   * or, for an executor made without one, its owner.
   */
  void look() {
    long now = gauges.nanoTime();
    int target = (int) Math.min(max, (long) base + blockedTasks(now) + waitedTooLong(now));
    resize(target);
  }

  private void resize(int target) {
    int now = pool.getCorePoolSize();
    try {
      if (target > now) {
        pool.setMaximumPoolSize(target);
        pool.setCorePoolSize(target);
      } else if (target < now) {
        pool.setCorePoolSize(target);
        pool.setMaximumPoolSize(target);
      }
    } catch (IllegalArgumentException e) {
      // Closed meanwhile.
    }
  }

  /**
   * Queued tasks that have waited longer than the stall, at most {@code base}: the threads are
   * busy computing, not blocked, and short tasks (a heartbeat, a reply) must not wait behind long
   * ones for ever. Bounded, since more threads do not make the processors faster.
   */
  private int waitedTooLong(long now) {
    int waited = 0;
    for (Runnable r : queue) {
      if (waited >= base || !(r instanceof Queued q) || now - q.queuedNanos < stallNanos) {
        break;
      }
      waited++;
    }
    return waited;
  }

  /**
   * Tasks running for longer than the stall whose thread used under a tenth of the time since the
   * previous look on a CPU, not counting time the JVM spent collecting garbage: a pause stops
   * every thread, and must not add one for each. Called by the looking thread only.
   */
  private int blockedTasks(long now) {
    int blocked = 0;
    looked.keySet().retainAll(running.keySet());
    long gcNow = -1; // read once, and only when some task has run past the stall
    for (Map.Entry<Thread, Long> e : running.entrySet()) {
      long started = e.getValue();
      if (now - started < stallNanos) {
        continue;
      }
      if (gcNow < 0) {
        gcNow = gauges.gcNanos();
      }
      long cpuNanos = gauges.cpuNanos(e.getKey());
      long[] before = looked.put(e.getKey(), new long[] {started, now, cpuNanos, gcNow});
      if (cpuNanos < 0) {
        // No CPU time on this JVM (or it is turned off): every long task counts as blocked,
        // which errs towards threads, as a cached pool would.
        blocked++;
      } else if (before != null && before[0] == started
          && (cpuNanos - before[2]) * 10 < now - before[1] - (gcNow - before[3])) {
        blocked++;
      }
    }
    return blocked;
  }

  @Override
  public void close() {
    closed = true;
    pool.shutdownNow();
    LockSupport.unpark(watcher);
  }
}
