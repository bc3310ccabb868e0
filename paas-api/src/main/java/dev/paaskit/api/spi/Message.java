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
   * A message of bytes. The array is kept, not copied: a bus copies what a publisher gives it
   * before it makes the message.
   *
   * @param subject the concrete subject it was published on; not null
   * @param replyTo where a responder sends its answer, for request-reply; empty otherwise, and
   *     null is read as empty
   * @param data the payload; not null, possibly empty
   * @throws NullPointerException if {@code subject} or {@code data} is null
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
   * must give the same bytes each time it is called, since callers racing on {@link #data()} may
   * each call it.
   *
   * @param <T> the payload's type
   * @param subject the concrete subject it was published on; not null
   * @param replyTo where a responder sends its answer; empty otherwise, null read as empty
   * @param payload the object, immutable; not null
   * @param encoder makes the payload's bytes; must not return null
   * @return the message
   * @throws NullPointerException if {@code subject}, {@code payload} or {@code encoder} is null
   */
  @SuppressWarnings("unchecked")
  public static <T> Message carrying(String subject, Optional<String> replyTo, T payload,
      Function<? super T, byte[]> encoder) {
    return new Message(subject, replyTo, payload, (Function<Object, byte[]>) encoder);
  }

  /**
   * The subject the message was published on; for a subscriber with wildcards, the concrete
   * one.
   *
   * @return the subject, never null
   */
  public String subject() {
    return subject;
  }

  /**
   * Where a responder sends its answer.
   *
   * @return the reply subject, for request-reply; empty otherwise
   */
  public Optional<String> replyTo() {
    return replyTo;
  }

  /**
   * The payload's bytes, shared by every receiver: do not modify them. For a message carrying an
   * object, encoding it the first time.
   *
   * @return the bytes, never null; the same array on every call once made
   * @throws NullPointerException if the encoder returns null
   * @throws RuntimeException whatever the encoder throws
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
   *
   * @param <T> the type asked for
   * @param type the class the payload is expected to be an instance of
   * @return the payload itself, shared with the other receivers; empty for a message of bytes,
   *     or a payload of another type
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
