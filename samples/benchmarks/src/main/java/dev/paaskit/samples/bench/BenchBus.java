package dev.paaskit.samples.bench;

import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.NodeHeartbeat;
import dev.paaskit.core.internal.protocol.StopInstance;
import dev.paaskit.core.internal.protocol.Subjects;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.nats.NatsSettings;
import dev.paaskit.samples.microcloud.Args;
import dev.paaskit.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code paaskit bench bus}: request-reply latency through {@link NatsBus} beside raw jnats on the
 * same server in the same run, and the node-heartbeat rate a NatsBus subscriber absorbs.
 *
 * <p>Request-reply: a stop command ({@link StopInstance} as JSON) to {@code paaskit.node.<id>.stop},
 * answered with an {@link Ack}; the responder parses the command and writes the answer on both
 * paths. Four connections, one per role: NatsBus requester, NatsBus responder, raw requester
 * ({@code Connection.request}), raw responder (a jnats dispatcher answering on its own thread).
 * After a warm-up of both, rounds of {@value #ROUND} requests alternate between the two paths
 * for half of the time given, so both see the same machine; every request waits for its reply
 * before the next goes out.
 *
 * <p>Heartbeats: light {@link NodeHeartbeat}s of 100 simulated nodes published through one
 * NatsBus at the target rate for the other half of the time, paced in 1 ms steps; a NatsBus
 * subscriber on another connection parses each. The run then waits (up to 5 s) for stragglers
 * and prints what arrived per second of publishing, and how many never did.
 */
final class BenchBus {
  private static final int ROUND = 200;
  private static final int WARM_UP = 3_000;
  private static final int NODES = 100;
  private static final String SUBJECT = Subjects.nodeStop("bench-node");
  private static final String RAW_SUBJECT = "bench.raw.stop";

  private final PrintStream out;

  static final String SYNOPSIS = "paaskit bench bus [--nats URL] [--seconds S] [--rate R]";
  static final String HELP =
      "bus:       request-reply p50/p99 through NatsBus beside raw jnats (same run, interleaved),\n"
      + "             and node heartbeats absorbed at R/s (default 10,000); S seconds per phase\n"
      + "             (default 5); without --nats it starts its own nats-server";
  static final String USAGE = SYNOPSIS + "\n  " + HELP;

  BenchBus(PrintStream out) {
    this.out = out;
  }

  /** Parses the command line of {@code paaskit bench bus} and runs it. */
  static int command(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help")) {
      out.println("usage: " + USAGE);
      return 0;
    }
    try {
      Args a = Args.parse(args, java.util.Map.of("--nats", "", "--seconds", "", "--rate", ""),
          java.util.Set.of(), java.util.Set.of(), 0);
      int seconds = a.intOption("--seconds", 5);
      int rate = a.intOption("--rate", 10_000);
      if (seconds < 1 || seconds > 3600) {
        throw new Args.UsageException("--seconds must be between 1 and 3600, not " + seconds);
      }
      if (rate < 1 || rate > 10_000_000) {
        throw new Args.UsageException("--rate must be between 1 and 10,000,000, not " + rate);
      }
      return new BenchBus(out).run(a.get("--nats"), seconds, rate);
    } catch (Args.UsageException e) {
      err.println("paaskit bench bus: " + e.getMessage());
      err.println("usage: " + USAGE);
      return 2;
    } catch (IOException e) {
      err.println("paaskit bench bus: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("paaskit bench bus: interrupted");
      return 1;
    } catch (Exception e) {
      err.println("paaskit bench bus: failed: " + e);
      return 1;
    }
  }

  int run(Optional<String> natsUrl, int seconds, int heartbeatRate) throws Exception {
    NatsServer own = natsUrl.isEmpty() ? NatsServer.start() : null;
    String url = own == null ? natsUrl.get() : own.url();
    SystemClock clock = SystemClock.create("bench-bus");
    List<AutoCloseable> closing = new ArrayList<>();
    try {
      NatsSettings settings = NatsSettings.of(url);
      out.println(String.format(Locale.ROOT, "bus: %s (%s), %d s per phase",
          url, own == null ? "given server" : "own nats-server on loopback", seconds));
      NatsBus requester = open(closing, NatsBus.connect(settings, clock));
      NatsBus responder = open(closing, NatsBus.connect(settings, clock));
      Connection rawRequester = open(closing, settings.connect());
      Connection rawResponder = open(closing, settings.connect());
      byte[] command = Json.write(new StopInstance("0b5d7c1e-instance-of-bench-app", "scaled down"));
      byte[] ack = Json.write(Ack.accepted());
      responder.subscribe(SUBJECT, "nodes", m -> {
        Json.read(m.data(), StopInstance.class);
        responder.reply(m, Json.write(Ack.accepted()));
      });
      Dispatcher raw = rawResponder.createDispatcher(m -> {
        Json.read(m.getData(), StopInstance.class);
        rawResponder.publish(m.getReplyTo(), Json.write(Ack.accepted()));
      });
      raw.subscribe(RAW_SUBJECT, "nodes");
      responder.connection().flush(Duration.ofSeconds(5));
      rawResponder.flush(Duration.ofSeconds(5));
      Requests bus = () -> requester.request(SUBJECT, command, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
      Requests direct = () -> {
        if (rawRequester.request(RAW_SUBJECT, command, Duration.ofSeconds(5)) == null) {
          throw new IllegalStateException("raw request timed out");
        }
      };
      requestReply(bus, direct, Duration.ofSeconds(seconds), command.length, ack.length);

      NatsBus publisher = open(closing, NatsBus.connect(settings, clock));
      NatsBus subscriber = open(closing, NatsBus.connect(settings, clock));
      heartbeats(publisher, subscriber, heartbeatRate, Duration.ofSeconds(seconds));
      return 0;
    } finally {
      for (int i = closing.size() - 1; i >= 0; i--) {
        try {
          closing.get(i).close();
        } catch (Exception e) {
          out.println("bench bus: closing " + closing.get(i) + " failed: " + e);
        }
      }
      clock.close();
      if (own != null) {
        own.close();
      }
    }
  }

  private void requestReply(Requests bus, Requests raw, Duration budget, int requestBytes,
      int replyBytes) throws Exception {
    for (int i = 0; i < WARM_UP; i++) {
      bus.send();
      raw.send();
    }
    long[] busNanos = new long[1 << 16];
    long[] rawNanos = new long[1 << 16];
    int n = 0;
    long end = System.nanoTime() + budget.toNanos();
    while (System.nanoTime() < end && n + ROUND <= busNanos.length) {
      for (int i = 0; i < ROUND; i++) {
        busNanos[n + i] = time(bus);
      }
      for (int i = 0; i < ROUND; i++) {
        rawNanos[n + i] = time(raw);
      }
      n += ROUND;
    }
    long[] b = Arrays.copyOf(busNanos, n);
    long[] r = Arrays.copyOf(rawNanos, n);
    Arrays.sort(b);
    Arrays.sort(r);
    out.println(String.format(Locale.ROOT, "request-reply: %,d requests on each path, in rounds "
        + "of %d after %,d warm-up; %d-byte command, %d-byte ack", n, ROUND, WARM_UP,
        requestBytes, replyBytes));
    for (double q : new double[] {0.50, 0.99}) {
      double busMicros = percentile(b, q) / 1e3;
      double rawMicros = percentile(r, q) / 1e3;
      String name = q == 0.50 ? "p50" : "p99";
      out.println(String.format(Locale.ROOT, "natsbus-%s: %.1f us  raw-%s: %.1f us  ratio: %.2f",
          name, busMicros, name, rawMicros, busMicros / rawMicros));
    }
  }

  private void heartbeats(NatsBus publisher, NatsBus subscriber, int rate, Duration duration)
      throws Exception {
    AtomicLong received = new AtomicLong();
    subscriber.subscribe(Subjects.NODE_HEARTBEAT, m -> {
      Json.read(m.data(), NodeHeartbeat.class);
      received.incrementAndGet();
    });
    subscriber.connection().flush(Duration.ofSeconds(5));
    byte[][] beats = new byte[NODES][];
    for (int i = 0; i < NODES; i++) {
      beats[i] = Json.write(new NodeHeartbeat(String.format(Locale.ROOT, "node-%03d", i),
          1_700_000_000_000L + i, 42, false, List.of(), System.currentTimeMillis()));
    }
    long start = System.nanoTime();
    long total = rate * duration.toSeconds();
    long sent = 0;
    while (sent < total) {
      long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
      while (sent < due) {
        publisher.publish(Subjects.NODE_HEARTBEAT, beats[(int) (sent % NODES)]);
        sent++;
      }
      LockSupport.parkNanos(1_000_000);
    }
    publisher.connection().flush(Duration.ofSeconds(5));
    double publishSeconds = (System.nanoTime() - start) / 1e9;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (received.get() < sent && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    long got = received.get();
    out.println(String.format(Locale.ROOT, "heartbeats/s absorbed: %,.0f  lost: %,d   "
            + "(target %,d/s for %d s from %d nodes, %,d sent, %d bytes each)",
        got / publishSeconds, sent - got, rate, duration.toSeconds(), NODES, sent, beats[0].length));
  }

  private static long time(Requests requests) throws Exception {
    long t0 = System.nanoTime();
    requests.send();
    return System.nanoTime() - t0;
  }

  private static double percentile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static <T extends AutoCloseable> T open(List<AutoCloseable> closing, T resource) {
    closing.add(resource);
    return resource;
  }

  @FunctionalInterface
  private interface Requests {
    void send() throws Exception;
  }
}
