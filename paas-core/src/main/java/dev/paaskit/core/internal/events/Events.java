package dev.paaskit.core.internal.events;

import dev.paaskit.api.Event;
import dev.paaskit.api.EventType;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.core.internal.protocol.EventMessage;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.Subjects;
import java.util.Map;

/** Publishes events on the bus, where the controller's {@link EventLog} collects them. */
public final class Events {
  private final MessageBus bus;
  private final Clock clock;

  public Events(MessageBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
  }

  public void publish(EventType type, String subject, String message, Map<String, String> attributes) {
    Event event = new Event(clock.now(), type, subject, message, attributes);
    Json.publish(bus, Subjects.EVENT, EventMessage.of(event));
  }

  public void publish(EventType type, String subject, String message) {
    publish(type, subject, message, Map.of());
  }
}
