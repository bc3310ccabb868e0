package dev.paaskit.api.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * A message on a {@link MessageBus}. The payload is opaque bytes: what crosses a bus crosses a
 * process boundary too.
 *
 * @param replyTo where a responder sends its answer, for request-reply; empty otherwise
 */
public record Message(String subject, Optional<String> replyTo, byte[] data) {
  public Message {
    Objects.requireNonNull(subject, "subject");
    replyTo = replyTo == null ? Optional.empty() : replyTo;
    Objects.requireNonNull(data, "data");
  }

  @Override
  public String toString() {
    return "Message{" + subject + ", " + data.length + " bytes" + replyTo.map(r -> ", replyTo=" + r).orElse("") + "}";
  }
}
