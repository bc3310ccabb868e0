package dev.paaskit.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to an app, an instance or a node, for people and for listeners.
 *
 * @param subject the app name, or {@code node:<id>} for node events
 * @param attributes details such as {@code index}, {@code exitCode}, {@code node}; never secrets
 */
public record Event(Instant time, EventType type, String subject, String message,
    Map<String, String> attributes) {
  public Event {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subject, "subject");
    message = message == null ? "" : message;
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
  }
}
