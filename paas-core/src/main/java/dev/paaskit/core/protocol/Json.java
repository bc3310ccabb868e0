package dev.paaskit.core.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/** JSON for messages and stored records. Unknown fields are ignored, so newer peers interoperate. */
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

  /** @throws IllegalArgumentException when {@code data} is not a valid {@code type} */
  public static <T> T read(byte[] data, Class<T> type) {
    try {
      return READERS.computeIfAbsent(type, MAPPER::readerFor).readValue(data);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
