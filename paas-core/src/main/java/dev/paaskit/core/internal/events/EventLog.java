package dev.paaskit.core.internal.events;

import dev.paaskit.api.Event;
import dev.paaskit.api.EventListener;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.Subscription;
import dev.paaskit.core.internal.protocol.EventMessage;
import dev.paaskit.core.internal.protocol.Json;
import dev.paaskit.core.internal.protocol.Subjects;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the cloud's events from the bus and keeps the latest {@code perSubject} of each app or
 * node. Thread-safe.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);

  private final int perSubject;
  private final Map<String, Deque<Event>> bySubject = new ConcurrentHashMap<>();
  private final List<Registered> listeners = new CopyOnWriteArrayList<>();
  private final Subscription subscription;

  private record Registered(EventListener listener, Executor executor) {}

  public EventLog(MessageBus bus, int perSubject) {
    this.perSubject = perSubject;
    this.subscription = bus.subscribe(Subjects.EVENT,
        m -> record(Json.read(m, EventMessage.class).toEvent()));
  }

  void record(Event event) {
    Deque<Event> events = bySubject.computeIfAbsent(event.subject(), s -> new ArrayDeque<>());
    synchronized (events) {
      events.addLast(event);
      while (events.size() > perSubject) {
        events.removeFirst();
      }
    }
    for (Registered r : listeners) {
      r.executor.execute(() -> {
        try {
          r.listener.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("event listener {} failed on {}", r.listener, event.type(), e);
        }
      });
    }
  }

  /** The subject's events, oldest first. */
  public List<Event> events(String subject) {
    Deque<Event> events = bySubject.get(subject);
    if (events == null) {
      return List.of();
    }
    synchronized (events) {
      return List.copyOf(new ArrayList<>(events));
    }
  }

  /** Forgets a subject's events, as when its app is deleted. */
  public void forget(String subject) {
    bySubject.remove(subject);
  }

  public void addListener(EventListener listener, Executor executor) {
    listeners.add(new Registered(listener, executor));
  }

  /** Calls {@code listener} on the delivering thread for events of {@code subject}, until closed. */
  public AutoCloseable follow(String subject, java.util.function.Consumer<Event> listener) {
    Registered r = new Registered(e -> {
      if (e.subject().equals(subject)) {
        listener.accept(e);
      }
    }, Runnable::run);
    listeners.add(r);
    return () -> listeners.remove(r);
  }

  @Override
  public void close() {
    subscription.close();
  }
}
