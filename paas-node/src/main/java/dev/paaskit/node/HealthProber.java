package dev.paaskit.node;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;

/**
 * Answers whether an instance passes its health check now. A node asks after starting the
 * instance, repeatedly, until it passes or its start timeout runs out. Called on executor
 * threads; each call must end within a second or so.
 */
@FunctionalInterface
public interface HealthProber {
  /**
   * One check of one instance.
   *
   * @param type {@code PORT} or {@code HTTP}; an instance checked by PROCESS never reaches a prober
   * @param endpoint the path an HTTP check GETs
   */
  record Probe(String instanceId, String appName, int index, String type, String address, int port,
      String endpoint) {}

  boolean healthy(Probe probe);

  /** The real checks: a TCP connect for PORT, a GET answering 2xx for HTTP. */
  HealthProber NETWORK = new HealthProber() {
    private static final int TIMEOUT_MILLIS = 250;

    @Override
    public boolean healthy(Probe p) {
      if ("HTTP".equals(p.type())) {
        try {
          HttpURLConnection c = (HttpURLConnection) new URL("http", p.address(), p.port(), p.endpoint())
              .openConnection();
          c.setConnectTimeout(TIMEOUT_MILLIS);
          c.setReadTimeout(TIMEOUT_MILLIS * 4);
          int status = c.getResponseCode();
          c.disconnect();
          return status >= 200 && status < 300;
        } catch (IOException e) {
          return false;
        }
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(p.address(), p.port()), TIMEOUT_MILLIS);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return "HealthProber.NETWORK";
    }
  };
}
