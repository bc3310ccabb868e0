package dev.paaskit.nats;

import java.util.Objects;
import java.util.regex.Pattern;

/** What the JetStream stores share about their buckets. */
final class Buckets {
  /** JetStream's "stream not found": the bucket does not exist yet. */
  static final int STREAM_NOT_FOUND = 10059;
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private Buckets() {}

  /**
   * Checks the arguments of opening a bucket.
   *
   * @throws IllegalArgumentException naming the bucket or the replica count that cannot be used
   */
  static void check(Object connection, String bucket, int replicas) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(bucket, "bucket");
    if (!NAME.matcher(bucket).matches()) {
      throw new IllegalArgumentException("invalid bucket name \"" + bucket
          + "\": 1 to 64 characters of [a-zA-Z0-9_-]");
    }
    if (replicas < 1 || replicas > 5) {
      throw new IllegalArgumentException("replicas must be 1 to 5: " + replicas);
    }
  }
}
