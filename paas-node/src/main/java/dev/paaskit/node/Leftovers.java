package dev.paaskit.node;

import dev.paaskit.core.internal.util.Trees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node left behind when its process was killed without a chance to stop its instances:
 * instance folders, and processes still running in them. Instances run in sessions of their
 * own, so they outlive a {@code kill -9} of the node; a restarted node ends them before it
 * starts anything. Linux only: a process is found by its working folder in {@code /proc}.
 */
final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

  private Leftovers() {}

  /**
   * Ends what an earlier life of node {@code nodeId} left running under {@code instancesDir},
   * and deletes every instance folder in it.
   */
  static void clean(Path instancesDir, String nodeId) throws IOException {
    List<Long> killed = killProcessesUnder(instancesDir);
    if (!killed.isEmpty()) {
      log.info("node {}: killed {} process(es) left running by its previous life", nodeId,
          killed.size());
    }
    try (Stream<Path> dirs = Files.list(instancesDir)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Trees.delete(dir);
      }
    }
  }

  /** Kills every process whose working folder is inside {@code root}; returns their pids. */
  static List<Long> killProcessesUnder(Path root) {
    List<Long> killed = new ArrayList<>();
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return killed;
    }
    Path real;
    try {
      real = root.toRealPath();
    } catch (IOException e) {
      return killed;
    }
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc,
        p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : pids) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (pid == self) {
          continue;
        }
        try {
          Path cwd = Files.readSymbolicLink(dir.resolve("cwd"));
          if (cwd.startsWith(real)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            killed.add(pid);
          }
        } catch (IOException | SecurityException e) {
          // Gone already, or not ours to read: neither can be a leftover of this node.
        }
      }
    } catch (IOException e) {
      log.warn("cannot scan /proc for leftovers under {}: {}", root, e.toString());
    }
    return killed;
  }
}
