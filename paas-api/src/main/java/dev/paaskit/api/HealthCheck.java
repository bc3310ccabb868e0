package dev.paaskit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node decides an instance is healthy, as in Cloud Foundry's {@code health-check-type}.
 * The node checks a starting instance until it passes, and a running one again at its liveness
 * interval; an instance that fails is ended and counts as crashed. Immutable and thread-safe.
 *
 * @param type port (a TCP connect to {@code PORT} succeeds), process (the process is alive) or
 *     http (a GET of {@code endpoint} answers 2xx)
 * @param endpoint the path for {@link Type#HTTP}, starting with {@code /}; the other types ignore
 *     it, and their factories give {@code /}
 * @param startTimeout how long an instance may take to become healthy before it counts as
 *     crashed; positive, {@link #DEFAULT_START_TIMEOUT} by default
 */
public record HealthCheck(Type type, String endpoint, Duration startTimeout) {
  /** The kinds of check, as a manifest's {@code health-check-type} names them. */
  public enum Type {
    /** A TCP connection to the instance's {@code PORT} is accepted; the default. */
    PORT,
    /** The instance's process is alive; passes as soon as it started. For apps without HTTP. */
    PROCESS,
    /** A GET of the endpoint on the instance's {@code PORT} answers with a 2xx status. */
    HTTP
  }

  /** How long an instance may take to become healthy when the check sets nothing: 60 seconds. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Checks the parts; a null or empty endpoint is read as {@code /}, a null start timeout as
   * {@link #DEFAULT_START_TIMEOUT}.
   *
   * @param type not null
   * @param endpoint starts with {@code /}, whatever the type
   * @param startTimeout positive
   * @throws InvalidSpecException naming {@code health-check-http-endpoint} for an endpoint not
   *     starting with {@code /}, or {@code timeout} for a start timeout of 0 or less
   * @throws NullPointerException if {@code type} is null
   */
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

  /**
   * A port check with the default start timeout; what a spec gets when it sets none.
   *
   * @return a port check
   */
  public static HealthCheck port() {
    return new HealthCheck(Type.PORT, "/", DEFAULT_START_TIMEOUT);
  }

  /**
   * A process check with the default start timeout.
   *
   * @return a process check
   */
  public static HealthCheck process() {
    return new HealthCheck(Type.PROCESS, "/", DEFAULT_START_TIMEOUT);
  }

  /**
   * An HTTP check of {@code endpoint} with the default start timeout.
   *
   * @param endpoint the path to GET, such as {@code /health}; null or empty for {@code /}
   * @return an HTTP check
   * @throws InvalidSpecException if {@code endpoint} does not start with {@code /}
   */
  public static HealthCheck http(String endpoint) {
    return new HealthCheck(Type.HTTP, endpoint, DEFAULT_START_TIMEOUT);
  }

  /**
   * This check with another start timeout.
   *
   * @param timeout positive; null for {@link #DEFAULT_START_TIMEOUT}
   * @return a new check of the same type and endpoint
   * @throws InvalidSpecException naming {@code timeout} if it is 0 or negative
   */
  public HealthCheck withStartTimeout(Duration timeout) {
    return new HealthCheck(type, endpoint, timeout);
  }
}
