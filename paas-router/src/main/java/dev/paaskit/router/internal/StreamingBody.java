package dev.paaskit.router.internal;

import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;

/**
 * A client's request body, passed to a backend as it arrives, a segment at a time, never held
 * whole. It can be sent once; whether sending began tells the router if another backend may
 * still get the request. The Content-Type header is forwarded as it was, so none is declared
 * here.
 */
final class StreamingBody extends RequestBody {
  private static final long SEGMENT = 8192;

  private final InputStream in;
  private final long length;
  private volatile boolean started;
  private volatile boolean clientFailed;

  /** {@code length} is -1 when the client sent the body chunked. */
  StreamingBody(InputStream in, long length) {
    this.in = in;
    this.length = length;
  }

  /** Whether any of the body was asked for; after that, the request cannot go elsewhere. */
  boolean started() {
    return started;
  }

  /** Whether reading from the client failed, as when the client went away mid-upload. */
  boolean clientFailed() {
    return clientFailed;
  }

  @Override
  public MediaType contentType() {
    return null;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    if (started) {
      throw new IOException("the request body was already sent once and cannot be replayed");
    }
    started = true;
    Source source = Okio.source(in);
    Buffer buffer = sink.getBuffer();
    while (true) {
      long read;
      boolean more;
      try {
        read = source.read(buffer, SEGMENT);
        more = read != -1 && in.available() > 0;
      } catch (IOException e) {
        clientFailed = true;
        throw e;
      }
      if (read == -1) {
        return;
      }
      if (more) {
        sink.emitCompleteSegments();
      } else {
        sink.flush();
      }
    }
  }
}
