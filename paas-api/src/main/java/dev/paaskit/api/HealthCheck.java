package dev.paaskit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node decides an instance is healthy, as in Cloud Foundry's {@code health-check-type}.
 *
 * @param type port (a TCP connect to {@code PORT} succeeds), process (the process is alive) or
 *     http (a GET of {@code endpoint} answers 2xx)
 * @param endpoint the path for {@link Type#HTTP}, starting with {@code /}; {@code /} otherwise
 * @param startTimeout how long an instance may take to become healthy before it counts as crashed
 */
public record HealthCheck(Type type, String endpoint, Duration startTimeout) {
  public enum Type { PORT, PROCESS, HTTP }

  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  public HealthCheck {
    Objects.requireNonNull(type, "type");
    endpoint = endpoint == null || endpoint.isEmpty() ? "/" : endpoint;
    if (!endpoint.startsWith("/")) {
      throw new InvalidSpecException("health-check-http-endpoint", endpoint, "must start with /");
    }
    startTimeout = startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout;
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new InvalidSpecException("timeout", startTimeout.toString(), "must be positive");
    }
  }

  public static HealthCheck port() {
    return new HealthCheck(Type.PORT, "/", DEFAULT_START_TIMEOUT);
  }

  public static HealthCheck process() {
    return new HealthCheck(Type.PROCESS, "/", DEFAULT_START_TIMEOUT);
  }

  public static HealthCheck http(String endpoint) {
    return new HealthCheck(Type.HTTP, endpoint, DEFAULT_START_TIMEOUT);
  }

  public HealthCheck withStartTimeout(Duration timeout) {
    return new HealthCheck(type, endpoint, timeout);
  }
}
