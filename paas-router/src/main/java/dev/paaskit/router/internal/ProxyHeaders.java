package dev.paaskit.router.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross the router, in each direction. Hop-by-hop headers (RFC 9110, section 7.6.1)
 * describe one connection and stop here: Connection and the headers it lists, Keep-Alive,
 * Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade. Framing (Content-Length, chunking) is
 * redone by each side for its own connection.
 */
final class ProxyHeaders {
  static final String FORWARDED_FOR = "X-Forwarded-For";
  static final String FORWARDED_PROTO = "X-Forwarded-Proto";
  static final String FORWARDED_HOST = "X-Forwarded-Host";

  private static final Set<String> REQUEST_DROPPED = caseInsensitive(
      "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
      // Set again below, or by OkHttp from the body; the front already answered Expect.
      "Host", "Content-Length", "Expect", FORWARDED_FOR);
  private static final Set<String> RESPONSE_DROPPED = caseInsensitive(
      "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
      "Content-Length");

  private ProxyHeaders() {}

  /**
   * The headers to send a backend for a client's request: the client's end-to-end headers, the
   * original Host, and X-Forwarded-For (the client's address appended to any it sent),
   * X-Forwarded-Proto and X-Forwarded-Host (kept when a load balancer in front set them). Asks
   * for an identity encoding when the client named none, so that OkHttp neither asks for gzip
   * nor unzips on the client's behalf.
   *
   * @param authority the Host the client asked for, port included
   * @throws IllegalArgumentException if a header name cannot be sent on
   */
  static okhttp3.Headers forRequest(com.sun.net.httpserver.Headers in, String authority,
      String clientAddress) {
    okhttp3.Headers.Builder out = new okhttp3.Headers.Builder();
    Set<String> listed = connectionTokens(in.get("Connection"));
    String forwardedFor = null;
    boolean hasProto = false;
    boolean hasForwardedHost = false;
    boolean hasEncoding = false;
    for (Map.Entry<String, List<String>> header : in.entrySet()) {
      String name = header.getKey();
      List<String> values = header.getValue();
      if (name.equalsIgnoreCase(FORWARDED_FOR)) {
        forwardedFor = String.join(", ", values);
        continue;
      }
      if (dropped(name, REQUEST_DROPPED, listed)) {
        continue;
      }
      hasProto |= name.equalsIgnoreCase(FORWARDED_PROTO);
      hasForwardedHost |= name.equalsIgnoreCase(FORWARDED_HOST);
      hasEncoding |= name.equalsIgnoreCase("Accept-Encoding");
      for (String value : values) {
        out.addUnsafeNonAscii(name, fromLatin1(value));
      }
    }
    String host = fromLatin1(authority.trim());
    out.addUnsafeNonAscii("Host", host);
    out.add(FORWARDED_FOR, forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    if (!hasProto) {
      out.add(FORWARDED_PROTO, "http");
    }
    if (!hasForwardedHost) {
      out.addUnsafeNonAscii(FORWARDED_HOST, host);
    }
    if (!hasEncoding) {
      out.add("Accept-Encoding", "identity");
    }
    return out.build();
  }

  /** Copies a backend's end-to-end response headers to the client's response. */
  static void copyResponse(okhttp3.Headers in, com.sun.net.httpserver.Headers out) {
    Set<String> listed = connectionTokens(in.values("Connection"));
    for (int i = 0, size = in.size(); i < size; i++) {
      String name = in.name(i);
      if (!dropped(name, RESPONSE_DROPPED, listed)) {
        out.add(name, toLatin1(in.value(i)));
      }
    }
  }

  private static boolean dropped(String name, Set<String> always, Set<String> listed) {
    return always.contains(name)
        || name.regionMatches(true, 0, "Proxy-", 0, 6)
        || (listed != null && listed.contains(name));
  }

  /** The header names a Connection header lists, or null when it lists none. */
  private static Set<String> connectionTokens(List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    Set<String> tokens = null;
    for (String value : values) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (name.isEmpty() || name.equalsIgnoreCase("close")
            || name.equalsIgnoreCase("keep-alive")) {
          continue;
        }
        if (tokens == null) {
          tokens = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        }
        tokens.add(name);
      }
    }
    return tokens;
  }

  /**
   * The JDK server reads header bytes as ISO-8859-1 and OkHttp writes UTF-8: re-decode, so that
   * a UTF-8 value reaches the backend as the bytes the client sent.
   */
  private static String fromLatin1(String value) {
    return isAscii(value) ? value
        : new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  /** The reverse: OkHttp decodes UTF-8 and the JDK server writes one byte per char. */
  private static String toLatin1(String value) {
    return isAscii(value) ? value
        : new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> caseInsensitive(String... names) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    Collections.addAll(set, names);
    return Collections.unmodifiableSet(set);
  }
}
