package dev.paaskit.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where one generation of an app stands: how many instances the app wants, and its instances
 * as their nodes last reported them, those of the generation apart from the others. A snapshot;
 * immutable and thread-safe.
 *
 * @param appName the app's name
 * @param generation the generation followed, as {@link App#generation()} numbers them
 * @param wanted how many instances the app asks for: its instance count while STARTED, else 0
 * @param current the instances that run the generation, sorted by index; after a cancelled
 *     rollout, the instances of the generation the app went back to count as it too
 * @param others the app's instances of other generations, sorted by index: during a rollout,
 *     the previous generation's, still serving until the new instance of their index runs
 */
public record DeploymentStatus(String appName, long generation, int wanted,
    List<InstanceStatus> current, List<InstanceStatus> others) {
  private static final Comparator<InstanceStatus> BY_INDEX =
      Comparator.comparingInt(InstanceStatus::index).thenComparing(InstanceStatus::since);

  /**
   * Checks the parts, and copies the lists sorted by index (then by when each entered its
   * state); a null list is read as empty.
   *
   * @param appName not null
   * @param generation 0 or more
   * @param wanted 0 or more
   * @param current copied and sorted; null for none
   * @param others copied and sorted; null for none
   * @throws IllegalArgumentException if {@code generation} or {@code wanted} is negative
   * @throws NullPointerException if {@code appName} is null, or a list holds a null
   */
  public DeploymentStatus {
    Objects.requireNonNull(appName, "appName");
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative: " + generation);
    }
    if (wanted < 0) {
      throw new IllegalArgumentException("wanted must not be negative: " + wanted);
    }
    current = sorted(current);
    others = sorted(others);
  }

  private static List<InstanceStatus> sorted(List<InstanceStatus> instances) {
    List<InstanceStatus> copy = new ArrayList<>(instances == null ? List.of() : instances);
    copy.sort(BY_INDEX);
    return List.copyOf(copy);
  }

  /**
   * How many indexes below {@link #wanted()} have a RUNNING instance of the generation.
   *
   * @return 0 to {@link #wanted()}; an index running twice counts once
   */
  public int running() {
    return (int) current.stream()
        .filter(i -> i.state() == InstanceState.RUNNING && i.index() < wanted)
        .mapToInt(InstanceStatus::index).distinct().count();
  }

  /**
   * True when every wanted index runs the generation and nothing else of the app runs: no
   * instance of another generation, none beyond the count, no second one of an index.
   *
   * @return whether the generation runs as a {@link Deployment} waits for; true for a stopped
   *     app (0 wanted) once nothing of it runs
   */
  public boolean complete() {
    long runningAtAll = current.stream().filter(i -> i.state() == InstanceState.RUNNING).count()
        + others.stream().filter(i -> i.state() == InstanceState.RUNNING).count();
    return running() == wanted && runningAtAll == wanted;
  }

  /**
   * The status in one line, such as {@code 2 of 3 RUNNING; index 2 STARTING on n1} or
   * {@code 3 of 3 RUNNING; index 0 of generation 4 still RUNNING on n2}.
   *
   * @return the count running, then each wanted index not running (its latest instance's state,
   *     node and crash reason, or that it is not placed yet), each index running more than once,
   *     and each instance still running beyond the count or of another generation
   */
  public String describe() {
    StringBuilder b = new StringBuilder().append(running()).append(" of ").append(wanted)
        .append(" RUNNING");
    for (int index = 0; index < wanted; index++) {
      int at = index;
      List<InstanceStatus> mine = current.stream().filter(i -> i.index() == at).toList();
      if (mine.stream().anyMatch(i -> i.state() == InstanceState.RUNNING)) {
        continue;
      }
      if (mine.isEmpty()) {
        b.append("; index ").append(index).append(" not placed yet");
        continue;
      }
      InstanceStatus latest = mine.get(mine.size() - 1);
      b.append("; index ").append(index).append(' ').append(latest.state()).append(" on ")
          .append(latest.nodeId());
      latest.crash().ifPresent(c -> b.append(" (").append(c.reason()).append(')'));
    }
    current.stream().filter(i -> i.state() == InstanceState.RUNNING && i.index() < wanted)
        .collect(Collectors.groupingBy(InstanceStatus::index, TreeMap::new, Collectors.counting()))
        .forEach((index, count) -> {
          if (count > 1) {
            b.append("; index ").append(index).append(" RUNNING ").append(count).append(" times");
          }
        });
    for (InstanceStatus i : current) {
      if (i.state() == InstanceState.RUNNING && i.index() >= wanted) {
        b.append("; index ").append(i.index()).append(" still RUNNING on ").append(i.nodeId())
            .append(" beyond the ").append(wanted).append(" wanted");
      }
    }
    for (InstanceStatus i : others) {
      if (i.state() == InstanceState.RUNNING) {
        b.append("; index ").append(i.index()).append(" of generation ").append(i.generation())
            .append(" still RUNNING on ").append(i.nodeId());
      }
    }
    return b.toString();
  }
}
