package dev.paaskit.node;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;

/**
 * Answers whether an instance passes its health check now. A node asks after starting the
 * instance, every 20 ms or so, until it passes or its start timeout runs out; then, while the
 * instance runs, once per liveness interval (see {@link NodeAgent.Builder#liveness}). Called on
 * the cloud's executor, possibly for several instances at once; each call must end within a
 * second or so. A prober that throws counts as a failed check, and the exception is logged.
 *
 * <pre>{@code
 * HealthProber alwaysHealthy = probe -> true; // for a fake backend that binds no port
 * }</pre>
 */
@FunctionalInterface
public interface HealthProber {
  /**
   * One check of one instance.
   *
   * @param instanceId the instance's id, as heartbeats report it
   * @param appName the app the instance belongs to
   * @param index the instance's index in its app, from 0
   * @param type {@code PORT} or {@code HTTP}; an instance checked by PROCESS never reaches a prober
   * @param address the node's address, as given to {@link NodeAgent.Builder#address}
   * @param port the port the node gave the instance ({@code PORT} in its environment)
   * @param endpoint the path an HTTP check GETs, starting with {@code /}; {@code /} for a PORT
   *     check
   */
  record Probe(String instanceId, String appName, int index, String type, String address, int port,
      String endpoint) {}

  /**
   * Checks one instance once.
   *
   * @param probe which instance, and how it asked to be checked
   * @return true when it passes now; false counts as one failure
   */
  boolean healthy(Probe probe);

  /**
   * The real checks: a TCP connect for PORT, a GET answering 2xx for HTTP, each failing after a
   * connect timeout of 250 ms (and, for HTTP, a read timeout of 1 s). An HTTP redirect to
   * another http URL is followed.
   */
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
