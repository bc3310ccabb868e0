package dev.paaskit.core.bus;

import dev.paaskit.api.spi.Message;
import dev.paaskit.core.internal.bus.Subjects;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** The chain handed to interceptor {@code index}; proceeding calls the next one or routes. */
final class InterceptorChain implements BusInterceptor.Chain {
  private final List<BusInterceptor> interceptors;
  private final int index;
  private final Message message;
  private final Consumer<Message> route;
  private final AtomicBoolean proceeded = new AtomicBoolean();

  private InterceptorChain(List<BusInterceptor> interceptors, int index, Message message,
      Consumer<Message> route) {
    this.interceptors = interceptors;
    this.index = index;
    this.message = message;
    this.route = route;
  }

  /** Passes {@code message} through {@code interceptors}, then to {@code route} if it survives. */
  static void start(List<BusInterceptor> interceptors, Message message, Consumer<Message> route) {
    if (interceptors.isEmpty()) {
      route.accept(message);
    } else {
      interceptors.get(0).intercept(new InterceptorChain(interceptors, 0, message, route));
    }
  }

  @Override
  public Message message() {
    return message;
  }

  @Override
  public void proceed(Message next) {
    Objects.requireNonNull(next, "message");
    if (!proceeded.compareAndSet(false, true)) {
      throw new IllegalStateException("interceptor " + interceptors.get(index)
          + " called proceed more than once for " + message);
    }
    if (!next.subject().equals(message.subject())) {
      Subjects.checkPublish(next.subject());
    }
    if (!next.replyTo().equals(message.replyTo())) {
      next.replyTo().ifPresent(Subjects::checkPublish);
    }
    if (index + 1 == interceptors.size()) {
      route.accept(next);
    } else {
      interceptors.get(index + 1).intercept(
          new InterceptorChain(interceptors, index + 1, next, route));
    }
  }
}
