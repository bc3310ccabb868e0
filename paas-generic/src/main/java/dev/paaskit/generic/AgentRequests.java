package dev.paaskit.generic;

import dev.paaskit.api.spi.Message;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.NoRespondersException;
import dev.paaskit.core.internal.protocol.Ack;
import dev.paaskit.core.internal.protocol.Json;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Requests from the manager to hosts and agents, each answered within one timeout. */
final class AgentRequests {
  /** An agent or host that did not answer; {@code gone} when nobody listens any more. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean gone;

    Unreachable(String message, boolean gone) {
      super(message, null, false, false);
      this.gone = gone;
    }
  }

  private final MessageBus bus;
  private final Duration timeout;

  AgentRequests(MessageBus bus, Duration timeout) {
    this.bus = bus;
    this.timeout = timeout;
  }

  /** Sends a request without waiting, so that several agents can be asked at once. */
  CompletableFuture<Message> send(String subject, byte[] payload) {
    return bus.request(subject, payload, timeout);
  }

  Ack ack(String subject, byte[] payload) throws Unreachable {
    return Json.read(await(send(subject, payload)).data(), Ack.class);
  }

  Message await(CompletableFuture<Message> reply) throws Unreachable {
    try {
      return reply.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NoRespondersException) {
        throw new Unreachable("no answer: nobody listens (its host is gone)", true);
      }
      if (e.getCause() instanceof TimeoutException) {
        throw new Unreachable("no answer within " + timeout.toMillis() + " ms", false);
      }
      throw new Unreachable("request failed: " + e.getCause(), false);
    } catch (TimeoutException e) {
      throw new Unreachable("no answer within " + timeout.toMillis() + " ms", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while waiting for an answer", false);
    }
  }
}
