package dev.paaskit.core.internal.util;

import org.slf4j.Logger;

/**
 * What servers on the JDK's {@code com.sun.net.httpserver} need to know about it.
 *
 * <p>The JDK server writes a response's headers and its body in separate writes and leaves
 * Nagle's algorithm on unless the JVM-wide property {@value #NO_DELAY_PROPERTY} is
 * {@code true}, so each small answer waits about 40 ms for the client's delayed ACK. The
 * property is read once, when the JVM's first JDK HTTP server starts, and the JDK offers no
 * switch per server. A library must not change JVM-wide settings of its host, so PaaSKit only
 * says so: the host passes {@code -Dsun.net.httpserver.nodelay=true} (the {@code paaskit}
 * launcher and the test runs do).
 */
public final class JdkHttpServers {
  /** The JDK's switch for TCP_NODELAY on its HTTP server's connections. */
  public static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

  private JdkHttpServers() {}

  /** Logs a warning naming {@code server} when the JVM runs JDK HTTP servers with Nagle on. */
  public static void warnIfNagle(Logger log, String server) {
    if (!Boolean.parseBoolean(System.getProperty(NO_DELAY_PROPERTY))) {
      log.warn("{}: small answers may wait ~40 ms for delayed ACKs; start the JVM with -D{}=true",
          server, NO_DELAY_PROPERTY);
    }
  }
}
