package dev.paaskit.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The API's JSON: snake_case names, nulls left out. The server reads requests strictly (unknown
 * fields, duplicate keys, trailing data and type coercions are errors, so a typo never passes
 * silently); the client reads answers leniently, so a newer server's extra fields do no harm.
 */
final class RestJson {
  /** Reads requests and writes every answer, on the server and in the client. */
  static final ObjectMapper STRICT = configure(true);
  /** Reads the server's answers in the client. */
  static final ObjectMapper LENIENT = configure(false);

  private RestJson() {}

  private static ObjectMapper configure(boolean strict) {
    JsonMapper mapper = JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        // Null fields are left out, but null map values stay: a secret sent as null means "keep".
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
            JsonInclude.Include.ALWAYS))
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, strict)
        .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, !strict)
        .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, !strict)
        .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, strict)
        .build();
    if (strict) {
      mapper.coercionConfigFor(LogicalType.Textual)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    return mapper;
  }

  static byte[] write(Object value) {
    try {
      return STRICT.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** One line of an NDJSON stream: the object's JSON and a newline. */
  static byte[] line(Object value) {
    try {
      return (STRICT.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a request body as {@code type}.
   *
   * @throws HttpError 400 naming what is wrong with the JSON and, where it can, the field
   */
  static <T> T readRequest(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw HttpError.badRequest(null, "a JSON body is required");
    }
    try {
      T value = STRICT.readValue(body, type);
      if (value == null) {
        throw HttpError.badRequest(null, "a JSON object is required, not null");
      }
      return value;
    } catch (IOException e) {
      throw describe(e);
    }
  }

  /** Reads one of the server's answers in the client. */
  static JsonNode readAnswer(byte[] body) throws IOException {
    return LENIENT.readTree(body);
  }

  /** Converts part of an answer the client read into {@code type}. */
  static <T> T convert(JsonNode node, Class<T> type) {
    return LENIENT.convertValue(node, type);
  }

  private static HttpError describe(IOException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      Collection<Object> known = u.getKnownPropertyIds();
      return HttpError.badRequest(field, "unknown field '" + field + "'"
          + (known == null || known.isEmpty() ? "" : "; known fields here: "
              + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))));
    }
    if (e instanceof MismatchedInputException m) {
      String field = path(m);
      if (field.isEmpty()) {
        return HttpError.badRequest(null, "the body must be a JSON object"
            + at(m.getLocation()));
      }
      return HttpError.badRequest(field, "field '" + field + "' must be "
          + expected(m.getTargetType()) + at(m.getLocation()));
    }
    if (e instanceof JsonProcessingException p) {
      return HttpError.badRequest(null, "malformed JSON" + at(p.getLocation()) + ": "
          + p.getOriginalMessage());
    }
    return HttpError.badRequest(null, "unreadable body: " + e.getMessage());
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0 ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "of another type";
  }
}
