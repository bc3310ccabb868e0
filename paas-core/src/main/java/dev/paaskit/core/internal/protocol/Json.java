package dev.paaskit.core.internal.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON for messages and stored records. Unknown fields are ignored, so newer peers interoperate.
 *
 * <p>Messages are published with {@link #publish}, {@link #request} and {@link #reply}, and read
 * with {@link #read(Message, Class)}: a bus that keeps them in one process passes the record
 * itself and neither side touches JSON. Records sent this way must be immutable.
 */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /**
   * A reader and a writer per class, made once: resolving the type and its (de)serializer on
   * every call costs as much as a small message's JSON. Plain maps held here, not ClassValue,
   * which would tie this class's loader to JDK classes such as LinkedHashMap.
   */
  private static final ConcurrentHashMap<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Class<?>, ObjectWriter> WRITERS = new ConcurrentHashMap<>();

  private Json() {}

  public static byte[] write(Object value) {
    try {
      return value == null ? MAPPER.writeValueAsBytes(null)
          : WRITERS.computeIfAbsent(value.getClass(), MAPPER::writerFor).writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** {@code text} as a JSON string literal, quotes included. */
  public static String quote(String text) {
    return '"' + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
        .quoteAsString(text)) + '"';
  }

  /** @throws IllegalArgumentException when {@code data} is not a valid {@code type} */
  public static <T> T read(byte[] data, Class<T> type) {
    try {
      return READERS.computeIfAbsent(type, MAPPER::readerFor).readValue(data);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The message's payload as a {@code type}: the object itself when it was published as one and
   * stayed in this process, else decoded from its bytes.
   *
   * @throws IllegalArgumentException when the bytes are not a valid {@code type}
   */
  public static <T> T read(Message message, Class<T> type) {
    java.util.Optional<T> payload = message.payload(type);
    return payload.isPresent() ? payload.get() : read(message.data(), type);
  }

  /** Publishes {@code value} as JSON, or as itself on a bus that keeps it in this process. */
  public static void publish(MessageBus bus, String subject, Object value) {
    bus.publish(subject, value, Json::write);
  }

  /** Sends {@code value} as a request, as in {@link #publish}. */
  public static java.util.concurrent.CompletableFuture<Message> request(MessageBus bus,
      String subject, Object value, java.time.Duration timeout) {
    return bus.request(subject, value, Json::write, timeout);
  }

  /** Answers {@code request} with {@code value}, as in {@link #publish}. */
  public static void reply(MessageBus bus, Message request, Object value) {
    bus.reply(request, value, Json::write);
  }
}
