package dev.paaskit.core.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for messages and stored records. Unknown fields are ignored, so newer peers interoperate. */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /**
   * A reader and a writer per class, made once: resolving the type and its (de)serializer on
   * every call costs as much as a small message's JSON. Derived from {@link #MAPPER} alone.
   */
  private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type);
    }
  };
  private static final ClassValue<ObjectWriter> WRITERS = new ClassValue<>() {
    @Override
    protected ObjectWriter computeValue(Class<?> type) {
      return MAPPER.writerFor(type);
    }
  };

  private Json() {}

  public static byte[] write(Object value) {
    try {
      return value == null ? MAPPER.writeValueAsBytes(null)
          : WRITERS.get(value.getClass()).writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** @throws IllegalArgumentException when {@code data} is not a valid {@code type} */
  public static <T> T read(byte[] data, Class<T> type) {
    try {
      return READERS.get(type).readValue(data);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
