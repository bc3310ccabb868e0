package dev.paaskit.api.spi;

import java.io.IOException;

/**
 * A request found nobody subscribed to its subject, told apart from a responder that was too
 * slow ({@link java.util.concurrent.TimeoutException}).
 */
public final class NoRespondersException extends IOException {
  /**
   * A request to {@code subject} that nobody listens to.
   *
   * @param subject the request's subject, named by the message
   */
  public NoRespondersException(String subject) {
    super("no responders for " + subject);
  }
}
