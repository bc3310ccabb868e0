package dev.paaskit.core.internal.protocol;

import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import java.time.Instant;
import java.util.Map;

/** The wire form of {@link Event}. */
public record EventMessage(long timeMillis, String type, String subject, String message,
    Map<String, String> attributes) {
  public EventMessage {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public static EventMessage of(Event e) {
    return new EventMessage(e.time().toEpochMilli(), e.type().name(), e.subject(), e.message(),
        e.attributes());
  }

  public Event toEvent() {
    return new Event(Instant.ofEpochMilli(timeMillis), EventType.valueOf(type), subject, message,
        attributes);
  }
}
