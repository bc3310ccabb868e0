package dev.paaskit.node.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads what the kernel counts for one container's cgroup, under the path runc was given as
 * {@code cgroupsPath} (the cgroupfs driver): on cgroup v2 (a unified hierarchy at
 * {@code /sys/fs/cgroup}) one folder, on v1 one folder per controller. Which one applies is
 * decided as runc decides it: v2 when {@code /sys/fs/cgroup} is itself a cgroup2 mount, so a v1
 * machine with a v2 mount beside (a hybrid) reads v1.
 */
final class Cgroups {
  private final Path root;
  private final boolean unified;

  private Cgroups(Path root, boolean unified) {
    this.root = root;
    this.unified = unified;
  }

  static Cgroups detect() {
    Path root = Path.of("/sys/fs/cgroup");
    return new Cgroups(root, Files.exists(root.resolve("cgroup.controllers")));
  }

  boolean unified() {
    return unified;
  }

  /** Whether memory+swap can be limited, so a limit cannot be escaped by swapping. */
  boolean canLimitSwap() {
    return unified ? true : Files.exists(root.resolve("memory/memory.memsw.limit_in_bytes"));
  }

  /** How many times the OOM killer killed a process of the cgroup; empty when unreadable. */
  OptionalLong oomKills(String cgroup) {
    Path file = unified ? dir("", cgroup).resolve("memory.events")
        : dir("memory", cgroup).resolve("memory.oom_control");
    return keyed(file, "oom_kill");
  }

  /** CPU time of the cgroup's processes in nanoseconds; empty when unreadable. */
  OptionalLong cpuNanos(String cgroup) {
    if (unified) {
      OptionalLong micros = keyed(dir("", cgroup).resolve("cpu.stat"), "usage_usec");
      return micros.isPresent() ? OptionalLong.of(micros.getAsLong() * 1000) : micros;
    }
    return single(dir("cpuacct", cgroup).resolve("cpuacct.usage"));
  }

  /**
   * Memory charged to the cgroup less its inactive file cache, which the kernel reclaims before
   * it kills: the figure {@code docker stats} and {@code cf app} show.
   */
  OptionalLong memoryBytes(String cgroup) {
    OptionalLong usage;
    OptionalLong inactive;
    if (unified) {
      Path dir = dir("", cgroup);
      usage = single(dir.resolve("memory.current"));
      inactive = keyed(dir.resolve("memory.stat"), "inactive_file");
    } else {
      Path dir = dir("memory", cgroup);
      usage = single(dir.resolve("memory.usage_in_bytes"));
      inactive = keyed(dir.resolve("memory.stat"), "total_inactive_file");
    }
    if (usage.isEmpty()) {
      return usage;
    }
    long used = usage.getAsLong() - inactive.orElse(0);
    return OptionalLong.of(Math.max(0, used));
  }

  /** Removes {@code cgroup} from every hierarchy where it is empty; what is not, stays. */
  void removeEmpty(String cgroup) {
    List<Path> dirs = new java.util.ArrayList<>();
    if (unified) {
      dirs.add(dir("", cgroup));
    } else {
      try (java.util.stream.Stream<Path> controllers = Files.list(root)) {
        controllers.forEach(c -> dirs.add(c.resolve(relative(cgroup))));
      } catch (IOException e) {
        return;
      }
    }
    for (Path d : dirs) {
      // Children first: cgroups of containers runc could not delete (killed while it made
      // them), empty once their processes are gone.
      try (java.util.stream.Stream<Path> children = Files.list(d)) {
        children.filter(Files::isDirectory).forEach(Cgroups::rmdir);
      } catch (IOException e) {
        // Gone already.
      }
      rmdir(d);
    }
  }

  /** rmdir, not a recursive delete: a cgroup's files go with its folder; a busy one stays. */
  private static void rmdir(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Not empty, or not ours to remove.
    }
  }

  private static String relative(String cgroup) {
    return cgroup.startsWith("/") ? cgroup.substring(1) : cgroup;
  }

  private Path dir(String controller, String cgroup) {
    Path base = controller.isEmpty() ? root : root.resolve(controller);
    return base.resolve(cgroup.startsWith("/") ? cgroup.substring(1) : cgroup);
  }

  private static OptionalLong single(Path file) {
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The value of a {@code key value} line. */
  private static OptionalLong keyed(Path file, String key) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    for (String line : lines) {
      int space = line.indexOf(' ');
      if (space > 0 && line.substring(0, space).equals(key)) {
        try {
          return OptionalLong.of(Long.parseLong(line.substring(space + 1).trim()));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
