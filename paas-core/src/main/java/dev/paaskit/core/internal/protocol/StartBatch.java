package dev.paaskit.core.internal.protocol;

import java.util.List;

/**
 * The starts one health-manager pass sends one node, in one request; the node answers with an
 * {@link Acks} of the same length and order. Holds secrets: its toString lists instance ids only.
 */
public record StartBatch(List<StartInstance> starts) {
  public StartBatch {
    starts = starts == null ? List.of() : List.copyOf(starts);
  }

  /** One answer per start, in order. */
  public record Acks(List<Ack> acks) {
    public Acks {
      acks = acks == null ? List.of() : List.copyOf(acks);
    }
  }

  @Override
  public String toString() {
    return "StartBatch{" + starts.size() + " starts}";
  }
}
