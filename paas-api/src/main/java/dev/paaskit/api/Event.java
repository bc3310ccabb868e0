package dev.paaskit.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to an app, an instance or a node, for people and for listeners.
 * Immutable and thread-safe.
 *
 * @param time when it happened, by the clock of the part of the cloud that saw it
 * @param type what happened; {@link EventType} says which attributes each type carries
 * @param subject the app name, or {@code node:<id>} for node events
 * @param message one line for people, such as {@code instance 2 running on n1}; empty when none
 * @param attributes details such as {@code index}, {@code exitCode}, {@code node}; never secrets
 */
public record Event(Instant time, EventType type, String subject, String message,
    Map<String, String> attributes) {
  /**
   * Checks the parts are present and copies the attributes; a null message is read as empty,
   * null attributes as none.
   *
   * @param time not null
   * @param type not null
   * @param subject not null
   * @param message null for empty
   * @param attributes copied, their order not kept; null for none
   * @throws NullPointerException if {@code time}, {@code type} or {@code subject} is null, or an
   *     attribute's key or value is
   */
  public Event {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subject, "subject");
    message = message == null ? "" : message;
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
  }
}
