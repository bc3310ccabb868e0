package dev.paaskit.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An instance that, like many app servers with a short keep-alive, closes each connection right
 * after its answer without saying so (no {@code Connection: close}): a pooled connection to it
 * is dead by the next request. It echoes the request body.
 */
final class ClosingBackend implements AutoCloseable {
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  /** Released once per connection, after it was closed. */
  final Semaphore closed = new Semaphore(0);
  private final ServerSocket server;
  private final Thread acceptor;

  ClosingBackend() throws IOException {
    server = new ServerSocket(0, 16, InetAddress.getByName(TestBackend.LOOPBACK));
    acceptor = new Thread(this::serve, "closing-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        connections.incrementAndGet();
        answerOnce(socket);
      } catch (IOException e) {
        if (!server.isClosed()) {
          throw new IllegalStateException("closing backend failed", e);
        }
        return;
      }
      closed.release();
    }
  }

  private void answerOnce(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        return;
      }
      head.write(b);
    }
    requests.incrementAndGet();
    int length = 0;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    OutputStream out = socket.getOutputStream();
    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
