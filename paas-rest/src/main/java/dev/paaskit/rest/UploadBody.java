package dev.paaskit.rest;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams an archive body to a new temporary file, never holding it in memory, and refuses it
 * with a 413 once it exceeds the cap. Also drops what is left of a refused body (see
 * {@link #discardRest}).
 */
final class UploadBody {
  /** How much of a refused body is still read so the client sees the 413. */
  static final long SWALLOW_BYTES = 4L << 20;
  private static final int BUFFER = 64 * 1024;

  private UploadBody() {}

  /**
   * Writes the body of {@code request} to a new file in {@code dir}.
   *
   * @param limitName how the answer names the cap, such as {@code maxTotalBytes}
   * @return the file, which the caller deletes
   * @throws HttpError 413 {@code upload_too_large} naming the cap; no file is left then
   * @throws IOException when reading the body or writing the file fails; no file is left then
   */
  static Path receive(ApiRequest request, Path dir, long maxBytes, String limitName)
      throws IOException {
    long declared = request.declaredLength();
    InputStream in = request.body();
    if (declared > maxBytes) {
      throw tooLarge(maxBytes, limitName, declared);
    }
    Path file = Files.createTempFile(dir, "upload-", ".archive");
    boolean kept = false;
    try {
      long total = 0;
      byte[] buffer = new byte[BUFFER];
      try (OutputStream out = Files.newOutputStream(file)) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          total += n;
          if (total > maxBytes) {
            throw tooLarge(maxBytes, limitName, -1);
          }
          out.write(buffer, 0, n);
        }
      }
      if (total == 0) {
        throw new HttpError(400, "bad_request", null,
            "the body is empty: send a zip, tar or tar.gz archive");
      }
      kept = true;
      return file;
    } finally {
      if (!kept) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * Reads and drops what is left of a request body that will not be used, up to
   * {@link #SWALLOW_BYTES} (as Tomcat's {@code maxSwallowSize} does), so that a client still
   * sending it reads the answer instead of a reset connection. A longer rest, or a known length
   * beyond that, is left unread and the connection is closed after the answer.
   */
  static void discardRest(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    try {
      if (length != null && Long.parseLong(length.trim()) > SWALLOW_BYTES) {
        exchange.getResponseHeaders().set("Connection", "close");
        return;
      }
      InputStream in = exchange.getRequestBody();
      long skipped = 0;
      byte[] buffer = new byte[BUFFER];
      int n;
      while (skipped <= SWALLOW_BYTES && (n = in.read(buffer)) >= 0) {
        skipped += n;
      }
      if (skipped > SWALLOW_BYTES) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
    } catch (IOException | NumberFormatException e) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
  }

  private static HttpError tooLarge(long maxBytes, String limitName, long declared) {
    return new HttpError(413, "upload_too_large", null, "the upload"
        + (declared >= 0 ? " of " + declared + " bytes" : "") + " exceeds " + limitName + "="
        + maxBytes + " bytes, the most the server accepts");
  }
}
