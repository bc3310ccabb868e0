package dev.paaskit.router.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * An instance that takes one request and never answers; it notes when the request arrived and
 * when the other side closed the connection, which only the router can do while the instance
 * stays silent.
 */
final class SilentBackend implements AutoCloseable {
  /** Counted down once a whole request head arrived. */
  final CountDownLatch entered = new CountDownLatch(1);
  /** Counted down once the router closed the connection the request came on. */
  final CountDownLatch closed = new CountDownLatch(1);
  private final ServerSocket server;

  SilentBackend() throws IOException {
    server = new ServerSocket(0, 16, InetAddress.getByName(TestBackend.LOOPBACK));
    Thread acceptor = new Thread(this::serve, "silent-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      for (int b = in.read(); b != -1; b = in.read()) {
        matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        if (matched == end.length) {
          entered.countDown();
          matched = 0;
        }
      }
      closed.countDown();
    } catch (IOException e) {
      // A reset is the router closing too; a closed server socket is the test ending.
      if (!server.isClosed()) {
        closed.countDown();
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
