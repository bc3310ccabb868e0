package dev.paaskit.rest;

import dev.paaskit.core.internal.util.Redactor;
import dev.paaskit.api.ConflictException;
import dev.paaskit.api.DeploymentFailedException;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.NotFoundException;
import dev.paaskit.api.PaasException;
import dev.paaskit.api.StagingException;
import dev.paaskit.rest.Dto.ErrorJson;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both directions of the error mapping: the server turns an exception into a status and an
 * {@link ErrorJson}; the client turns them back into the same exception type, so code written
 * against {@link dev.paaskit.api.Controller} fails alike in-process and remote.
 *
 * <table>
 *   <caption>exceptions and answers</caption>
 *   <tr><th>exception</th><th>status</th><th>code</th><th>extra fields</th></tr>
 *   <tr><td>InvalidSpecException</td><td>422</td><td>invalid_spec</td><td>field, value</td></tr>
 *   <tr><td>InvalidArchiveException</td><td>422</td><td>invalid_archive</td><td>entry</td></tr>
 *   <tr><td>StagingException</td><td>422</td><td>staging_failed</td><td>output</td></tr>
 *   <tr><td>DeploymentFailedException</td><td>422</td><td>deployment_failed</td>
 *       <td>deployment</td></tr>
 *   <tr><td>NotFoundException</td><td>404</td><td>not_found</td><td>kind, name</td></tr>
 *   <tr><td>ConflictException</td><td>409</td><td>conflict</td><td></td></tr>
 *   <tr><td>(refused request)</td><td>400, 401, 404, 405, 413</td><td>see HttpError</td>
 *       <td>field</td></tr>
 *   <tr><td>anything else</td><td>500</td><td>internal_error</td><td></td></tr>
 * </table>
 */
final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  /** A status and the error to answer with. */
  record Answer(int status, ErrorJson error) {}

  /**
   * The answer for {@code failure}. Unexpected failures are logged here with an id the answer
   * names, and their details stay in the log.
   */
  static Answer answer(Throwable failure, String what) {
    return answer(failure, what, Redactor.NONE);
  }

  /**
   * The answer for {@code failure}, with the app's secret values masked in what its instances
   * wrote: the output a {@link DeploymentFailedException} quotes.
   */
  static Answer answer(Throwable failure, String what, Redactor redactor) {
    Throwable t = unwrap(failure);
    if (t instanceof DeploymentFailedException e) {
      return new Answer(422, new ErrorJson(422, e.code(), redactor.redact(e.getMessage()), null,
          null, null, null, null, null, Dto.failure(e, redactor)));
    }
    if (t instanceof InvalidSpecException e) {
      return answer(422, e, e.field(), e.value(), null, null, null, null);
    }
    if (t instanceof InvalidArchiveException e) {
      return answer(422, e, null, null, e.entry(), null, null, null);
    }
    if (t instanceof StagingException e) {
      return answer(422, e, null, null, null, null, null, e.output());
    }
    if (t instanceof NotFoundException e) {
      return answer(404, e, null, null, null, e.kind(), e.name(), null);
    }
    if (t instanceof ConflictException e) {
      return answer(409, e, null, null, null, null, null, null);
    }
    if (t instanceof PaasException e) {
      return answer(422, e, null, null, null, null, null, null);
    }
    if (t instanceof HttpError e) {
      return new Answer(e.status(), new ErrorJson(e.status(), e.code(), e.getMessage(),
          e.field(), null, null, null, null, null, null));
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("{} failed unexpectedly (error id {})", what, id, t);
    return new Answer(500, ErrorJson.of(500, "internal_error",
        "the server failed unexpectedly; its log holds the details under error id " + id));
  }

  private static Answer answer(int status, PaasException e, String field, String value,
      String entry, String kind, String name, List<String> output) {
    return new Answer(status, new ErrorJson(status, e.code(), e.getMessage(), field, value, entry,
        kind, name, output, null));
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The exception a client throws for an error answer.
   *
   * @param status the answer's status; the error's own status, when it has one, wins
   */
  static RuntimeException exception(int status, ErrorJson error) {
    if (error.status() != null) {
      status = error.status();
    }
    String code = error.code() == null ? "http_" + status : error.code();
    String message = error.message() == null ? "HTTP " + status : error.message();
    switch (code) {
      case "invalid_spec" -> {
        String prefix = "invalid " + error.field() + " '" + error.value() + "': ";
        return new InvalidSpecException(error.field(), error.value(),
            message.startsWith(prefix) ? message.substring(prefix.length()) : message);
      }
      case "invalid_archive", "upload_too_large" -> {
        String prefix = "archive entry '" + error.entry() + "': ";
        return new InvalidArchiveException(error.entry(), error.entry() != null
            && message.startsWith(prefix) ? message.substring(prefix.length()) : message);
      }
      case "staging_failed" -> {
        return new StagingException(message,
            error.output() == null ? List.of() : error.output());
      }
      case "not_found" -> {
        if (error.kind() != null && error.name() != null) {
          return new NotFoundException(error.kind(), error.name());
        }
        return new ApiException(status, code, message);
      }
      case "conflict" -> {
        return new ConflictException(message);
      }
      case "deployment_failed" -> {
        if (error.deployment() != null && error.deployment().rollout() != null) {
          try {
            return Dto.failure(message, error.deployment());
          } catch (IllegalArgumentException e) {
            // A reason this client does not know, from a newer server: told as it is below.
          }
        }
        return new ApiException(status, code, message);
      }
      default -> {
        return new ApiException(status, code, message);
      }
    }
  }
}
