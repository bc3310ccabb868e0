package dev.paaskit.router.internal;

import java.util.Locale;
import java.util.Objects;

/** Turns a Host header or a configured host into the key of the route table. */
public final class Hosts {
  private Hosts() {}

  /**
   * Lower-cases {@code authority}, strips its port and one trailing dot. Returns the same
   * instance when there is nothing to change, and null when nothing is left. Never throws: it
   * runs on every request, and an odd host simply matches no route.
   */
  public static String normalize(String authority) {
    if (authority == null) {
      return null;
    }
    String s = authority.trim();
    if (s.isEmpty()) {
      return null;
    }
    int end;
    if (s.charAt(0) == '[') {
      int close = s.indexOf(']');
      end = close < 0 ? s.length() : close + 1;
    } else {
      int colon = s.indexOf(':');
      end = colon < 0 ? s.length() : colon;
    }
    if (end > 1 && s.charAt(end - 1) == '.') {
      end--;
    }
    if (end == 0) {
      return null;
    }
    String host = end == s.length() ? s : s.substring(0, end);
    for (int i = 0; i < end; i++) {
      char c = host.charAt(i);
      if ((c >= 'A' && c <= 'Z') || c > 0x7f) {
        return host.toLowerCase(Locale.ROOT);
      }
    }
    return host;
  }

  /**
   * Normalizes a host given through the API.
   *
   * @throws IllegalArgumentException if nothing is left of it, or it holds a character that
   *     cannot be part of a host name in a Host header
   */
  public static String checked(String host, String what) {
    Objects.requireNonNull(host, what);
    String normalized = normalize(host);
    if (normalized == null) {
      throw new IllegalArgumentException(what + " is blank: '" + host + "'");
    }
    for (int i = 0; i < normalized.length(); i++) {
      char c = normalized.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == ',') {
        throw new IllegalArgumentException(what + " is not a host name: '" + host + "'");
      }
    }
    return normalized;
  }

  /** Returns nothing; throws naming {@code what} when {@code value} is null or blank. */
  public static void requireNonBlank(String value, String what) {
    java.util.Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " is blank: '" + value + "'");
    }
  }
}
