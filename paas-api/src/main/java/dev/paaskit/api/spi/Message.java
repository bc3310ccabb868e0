package dev.paaskit.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A message on a {@link MessageBus}. Its payload is bytes, since what crosses a bus may cross a
 * process boundary too; a message that stays in one process may carry the object it was
 * published as instead, and make the bytes from it only when someone asks for them.
 *
 * <p>Immutable and thread-safe, if the object it carries is.
 */
public final class Message {
  private final String subject;
  private final Optional<String> replyTo;
  private final Object payload;
  private final Function<Object, byte[]> encoder;
  /** The bytes; for a message carrying an object, null until first asked for. */
  private volatile byte[] data;

  /**
   * A message of bytes.
   *
   * @param replyTo where a responder sends its answer, for request-reply; empty otherwise
   */
  public Message(String subject, Optional<String> replyTo, byte[] data) {
    this.subject = Objects.requireNonNull(subject, "subject");
    this.replyTo = replyTo == null ? Optional.empty() : replyTo;
    this.data = Objects.requireNonNull(data, "data");
    this.payload = null;
    this.encoder = null;
  }

  private Message(String subject, Optional<String> replyTo, Object payload,
      Function<Object, byte[]> encoder) {
    this.subject = Objects.requireNonNull(subject, "subject");
    this.replyTo = replyTo == null ? Optional.empty() : replyTo;
    this.payload = Objects.requireNonNull(payload, "payload");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  /**
   * A message carrying {@code payload}, which every receiver in this process shares and so must
   * be immutable. {@link #data()} is {@code encoder}'s output, made on first call; the encoder
   * must give the same bytes each time it is called.
   */
  @SuppressWarnings("unchecked")
  public static <T> Message carrying(String subject, Optional<String> replyTo, T payload,
      Function<? super T, byte[]> encoder) {
    return new Message(subject, replyTo, payload, (Function<Object, byte[]>) encoder);
  }

  public String subject() {
    return subject;
  }

  /** Where a responder sends its answer, for request-reply; empty otherwise. */
  public Optional<String> replyTo() {
    return replyTo;
  }

  /**
   * The payload's bytes, shared by every receiver: do not modify them. For a message carrying an
   * object, encoding it the first time.
   */
  public byte[] data() {
    byte[] d = data;
    if (d == null) {
      // Racing callers may each encode; the encoder gives equal bytes, so either result stands.
      d = Objects.requireNonNull(encoder.apply(payload), "encoder returned null");
      data = d;
    }
    return d;
  }

  /**
   * The object this message was published as, when it is a {@code type} and the message did not
   * leave the process it was published in; empty otherwise, and then {@link #data()} holds it.
   */
  public <T> Optional<T> payload(Class<T> type) {
    return type.isInstance(payload) ? Optional.of(type.cast(payload)) : Optional.empty();
  }

  /** Names the subject, the reply subject and the payload's size or type, never its content. */
  @Override
  public String toString() {
    String body = payload != null ? payload.getClass().getSimpleName() : data.length + " bytes";
    return "Message{" + subject + ", " + body + replyTo.map(r -> ", replyTo=" + r).orElse("") + "}";
  }
}
