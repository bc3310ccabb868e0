package dev.paaskit.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Hands out TCP ports for instances from a range that lies outside the kernel's ephemeral range,
 * so that no outgoing connection of the machine takes an instance's port in the meantime.
 *
 * <pre>{@code
 * PortAllocator ports = PortAllocator.builder().range(20000, 29999).build();
 * int port = ports.allocate();
 * ...
 * ports.release(port);
 * }</pre>
 *
 * <p>A port is handed out only when it is not held by this allocator and a {@link ServerSocket}
 * (without {@code SO_REUSEADDR}) could just be bound to it on 127.0.0.1 and was closed again.
 * Another program may still take it before the instance binds it; nothing on one machine can
 * rule that out. The search starts at a random offset, so two allocators rarely try the same
 * port first, but only a shared allocator guarantees that it never hands out one port twice:
 * several nodes in one JVM should share one. There is no static state.
 *
 * <p>Thread-safe.
 */
public final class PortAllocator {
  /** The lowest port of the default range, before it is clipped to the kernel's. */
  public static final int DEFAULT_FIRST = 20000;
  /** The highest port of the default range, before it is clipped to the kernel's. */
  public static final int DEFAULT_LAST = 29999;
  static final Path EPHEMERAL_RANGE_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** The IANA dynamic range, assumed where the kernel does not say (not Linux). */
  static final int[] IANA_EPHEMERAL = {49152, 65535};
  private static final int LOWEST_UNPRIVILEGED = 1024;

  private final int first;
  private final int last;
  private final int ephemeralFirst;
  private final int ephemeralLast;
  private final InetAddress loopback = ipv4Loopback();

  // Guarded by this.
  private final RandomGenerator random;
  private final Set<Integer> held = new HashSet<>();

  private final boolean verifyFree;

  private PortAllocator(int first, int last, int[] ephemeral, RandomGenerator random,
      boolean verifyFree) {
    this.verifyFree = verifyFree;
    this.first = first;
    this.last = last;
    this.ephemeralFirst = ephemeral[0];
    this.ephemeralLast = ephemeral[1];
    this.random = random;
  }

  /**
   * An allocator over the default range, as {@code builder().build()} makes it.
   *
   * @return an allocator over 20000-29999 minus the kernel's ephemeral range; where that leaves
   *     nothing, over the larger stretch of unprivileged ports below or above the ephemeral range
   * @throws IllegalStateException if the kernel's ephemeral range cannot be read, or leaves no
   *     unprivileged port
   */
  public static PortAllocator create() {
    return builder().build();
  }

  /**
   * A builder, for a range of one's own or a seeded search.
   *
   * @return a new builder with the default range, a random start and ports checked free
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A free port of the range, held until {@link #release}. Binds and closes a socket per port
   * tried, under the allocator's lock, so a range mostly in use makes other callers wait.
   *
   * @return a port from {@link #first()} to {@link #last()} that this allocator holds now
   * @throws IllegalStateException when every port of the range is held or bound, saying how many
   *     of each
   */
  public synchronized int allocate() {
    int size = last - first + 1;
    int start = random.nextInt(size);
    int busy = 0;
    for (int i = 0; i < size; i++) {
      int port = first + (start + i) % size;
      if (held.contains(port)) {
        continue;
      }
      if (!verifyFree || canBind(port)) {
        held.add(port);
        return port;
      }
      busy++;
    }
    throw new IllegalStateException("no free port in " + first + "-" + last + ": " + held.size()
        + " held by this allocator, " + busy + " bound by other sockets");
  }

  private boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(loopback, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Gives {@code port} back for later {@link #allocate} calls.
   *
   * @param port a port this allocator handed out and that was not released since
   * @throws IllegalArgumentException if this allocator does not hold {@code port}
   */
  public synchronized void release(int port) {
    if (!held.remove(port)) {
      throw new IllegalArgumentException("port " + port + " is not allocated by this allocator");
    }
  }

  /**
   * Whether this allocator holds {@code port}; other allocators and programs are not asked.
   *
   * @param port any number
   * @return true from {@link #allocate} returning it until it is released
   */
  public synchronized boolean isAllocated(int port) {
    return held.contains(port);
  }

  /**
   * How many ports this allocator holds.
   *
   * @return ports allocated and not released yet
   */
  public synchronized int allocatedCount() {
    return held.size();
  }

  /**
   * The lowest port this allocator hands out.
   *
   * @return the range's first port, included
   */
  public int first() {
    return first;
  }

  /**
   * The highest port this allocator hands out.
   *
   * @return the range's last port, included
   */
  public int last() {
    return last;
  }

  @Override
  public String toString() {
    return "PortAllocator{" + first + "-" + last + ", ephemeral " + ephemeralFirst + "-"
        + ephemeralLast + "}";
  }

  private static InetAddress ipv4Loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }

  /** Reads the kernel's ephemeral range, {@code "32768\t60999"} on a default Linux. */
  static int[] readEphemeralRange(Path file) {
    String text;
    // One buffered read: a sysctl file answers only the first read(2), so reading it byte by
    // byte, as Files.readString does for a file of size 0, returns only its first byte.
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String line = reader.readLine();
      text = line == null ? "" : line.trim();
    } catch (NoSuchFileException e) {
      return IANA_EPHEMERAL.clone();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the ephemeral port range from " + file, e);
    }
    String[] parts = text.split("\\s+");
    try {
      if (parts.length == 2) {
        int low = Integer.parseInt(parts[0]);
        int high = Integer.parseInt(parts[1]);
        if (low >= 1 && low <= high && high <= 65535) {
          return new int[] {low, high};
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalStateException("not a port range in " + file + ": '" + text + "'", e);
    }
    throw new IllegalStateException("not a port range in " + file + ": '" + text + "'");
  }

  /**
   * The default range, 20000-29999, minus the ephemeral range; where that leaves nothing, the
   * larger stretch of unprivileged ports below or above the ephemeral range.
   */
  static int[] defaultRange(int[] ephemeral) {
    int[] best = larger(
        new int[] {DEFAULT_FIRST, Math.min(DEFAULT_LAST, ephemeral[0] - 1)},
        new int[] {Math.max(DEFAULT_FIRST, ephemeral[1] + 1), DEFAULT_LAST});
    if (best == null) {
      best = larger(new int[] {LOWEST_UNPRIVILEGED, ephemeral[0] - 1},
          new int[] {ephemeral[1] + 1, 65535});
    }
    if (best == null) {
      throw new IllegalStateException("the ephemeral port range " + ephemeral[0] + "-"
          + ephemeral[1] + " leaves no unprivileged port for instances; configure a range");
    }
    return best;
  }

  private static int[] larger(int[] a, int[] b) {
    int sizeA = a[1] - a[0] + 1;
    int sizeB = b[1] - b[0] + 1;
    if (sizeA <= 0 && sizeB <= 0) {
      return null;
    }
    return sizeA >= sizeB ? a : b;
  }

  /**
   * Options of a {@link PortAllocator}. Not thread-safe. The range and the random start may each
   * be set once; a second call throws {@link IllegalStateException}.
   */
  public static final class Builder {
    private int[] range;
    private RandomGenerator random;
    private Path ephemeralRangeFile;
    private boolean verifyFree = true;

    private Builder() {}

    /**
     * Hands out ports from {@code first} to {@code last}, both included; default 20000-29999,
     * clipped to stay out of the kernel's ephemeral range. Checked in {@link #build()}.
     *
     * @param first the lowest port, 1 or more
     * @param last the highest port, at most 65535 and at least {@code first}; the range must not
     *     overlap the kernel's ephemeral range
     * @return this builder
     * @throws IllegalStateException if the range was set before
     */
    public Builder range(int first, int last) {
      if (range != null) {
        throw new IllegalStateException("range is already set");
      }
      this.range = new int[] {first, last};
      return this;
    }

    /**
     * Where the search for a free port starts; used under the allocator's lock. Default: a
     * {@link SplittableRandom} seeded at random.
     *
     * @param random asked for one number per {@link PortAllocator#allocate()} call; need not be
     *     thread-safe
     * @return this builder
     * @throws IllegalStateException if a random or a seed was set before
     */
    public Builder random(RandomGenerator random) {
      checkRandomUnset();
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * A seeded random start, for reproducible runs; not with {@link #random}.
     *
     * @param seed with the same seed and the same calls, the same ports are tried in the same
     *     order
     * @return this builder
     * @throws IllegalStateException if a random or a seed was set before
     */
    public Builder seed(long seed) {
      checkRandomUnset();
      this.random = new Random(seed);
      return this;
    }

    /**
     * Whether a port is checked free by binding it before it is handed out; default true. Turn it
     * off only for nodes whose instances bind nothing on this machine, such as fake ones: their
     * ports are then just numbers, one allocator per node. Unlike the other options it may be set
     * again; the last call wins.
     *
     * @param verify false to hand out ports without binding them first
     * @return this builder
     */
    public Builder verifyFree(boolean verify) {
      this.verifyFree = verify;
      return this;
    }

    /** Where the kernel's ephemeral range is read; tests point it at a file of their own. */
    Builder ephemeralRangeFile(Path file) {
      if (ephemeralRangeFile != null) {
        throw new IllegalStateException("ephemeralRangeFile is already set");
      }
      this.ephemeralRangeFile = Objects.requireNonNull(file, "file");
      return this;
    }

    private void checkRandomUnset() {
      if (random != null) {
        throw new IllegalStateException("random is already set (by random or seed)");
      }
    }

    /**
     * Reads the kernel's ephemeral range (on Linux, {@code /proc/sys/net/ipv4/ip_local_port_range};
     * elsewhere the IANA range 49152-65535 is assumed) and makes the allocator.
     *
     * @return a new allocator holding no port
     * @throws IllegalArgumentException if the range is empty, outside 1-65535 or overlaps the
     *     kernel's ephemeral range
     * @throws IllegalStateException if the ephemeral range cannot be read, or the default range
     *     is wanted and the ephemeral range leaves no unprivileged port
     */
    public PortAllocator build() {
      Path file = ephemeralRangeFile != null ? ephemeralRangeFile : EPHEMERAL_RANGE_FILE;
      int[] ephemeral = readEphemeralRange(file);
      int[] chosen = range != null ? range : defaultRange(ephemeral);
      int first = chosen[0];
      int last = chosen[1];
      if (first > last) {
        throw new IllegalArgumentException("port range " + first + "-" + last + " is empty");
      }
      if (first < 1 || last > 65535) {
        throw new IllegalArgumentException(
            "port range " + first + "-" + last + " is not within 1-65535");
      }
      if (first <= ephemeral[1] && last >= ephemeral[0]) {
        throw new IllegalArgumentException("port range " + first + "-" + last
            + " overlaps the kernel's ephemeral range " + ephemeral[0] + "-" + ephemeral[1]
            + " (" + file + "); outgoing connections could take those ports");
      }
      return new PortAllocator(first, last, ephemeral,
          random != null ? random : new SplittableRandom(), verifyFree);
    }
  }
}
