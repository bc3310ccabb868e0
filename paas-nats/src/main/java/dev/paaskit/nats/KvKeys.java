package dev.paaskit.nats;

/**
 * Maps {@link dev.paaskit.api.spi.StateStore} keys to NATS key-value keys and back.
 *
 * <p>A store key is {@code [-/_=.a-zA-Z0-9]}, not starting or ending with {@code .}, and may hold
 * empty tokens ({@code a..b}). A KV key is a subject: its {@code .}-separated tokens must not be
 * empty, and older servers and clients refuse {@code /}. So each token is escaped on its own:
 * {@code =} becomes {@code =3D}, {@code /} becomes {@code =2F}, and an empty token becomes the
 * token {@code =}, which no escaped non-empty token can be. Dots stay dots, so a store key's
 * tokens are the KV key's tokens: the keys under a prefix are found with a subject filter on the
 * prefix's complete tokens, then by comparing the decoded keys.
 *
 * <pre>
 * apps.shop            apps.shop
 * apps/shop-1/0        apps=2Fshop-1=2F0
 * a..b                 a.=.b
 * tenant=acme          tenant=3Dacme
 * </pre>
 */
final class KvKeys {
  private KvKeys() {}

  /** The KV key of a valid store key. */
  static String encode(String key) {
    StringBuilder out = new StringBuilder(key.length() + 8);
    int start = 0;
    while (true) {
      int dot = key.indexOf('.', start);
      encodeToken(key, start, dot < 0 ? key.length() : dot, out);
      if (dot < 0) {
        return out.toString();
      }
      out.append('.');
      start = dot + 1;
    }
  }

  /** The store key of a KV key made by {@link #encode}. */
  static String decode(String kvKey) {
    StringBuilder out = new StringBuilder(kvKey.length());
    int start = 0;
    while (true) {
      int dot = kvKey.indexOf('.', start);
      int end = dot < 0 ? kvKey.length() : dot;
      if (end - start != 1 || kvKey.charAt(start) != '=') {
        for (int i = start; i < end; i++) {
          char c = kvKey.charAt(i);
          if (c == '=') {
            String code = kvKey.substring(i + 1, Math.min(i + 3, end));
            out.append(switch (code) {
              case "3D" -> '=';
              case "2F" -> '/';
              default -> throw new IllegalArgumentException(
                  "KV key \"" + kvKey + "\" was not written by this store: bad escape at " + i);
            });
            i += 2;
          } else {
            out.append(c);
          }
        }
      }
      if (dot < 0) {
        return out.toString();
      }
      out.append('.');
      start = dot + 1;
    }
  }

  /**
   * The KV key filter that selects at least every key starting with {@code prefix}: the prefix's
   * complete tokens, then {@code >}; just {@code >} when it has none.
   */
  static String filter(String prefix) {
    int lastDot = prefix.lastIndexOf('.');
    if (lastDot < 0) {
      return ">";
    }
    return encode(prefix.substring(0, lastDot)) + ".>";
  }

  private static void encodeToken(String key, int start, int end, StringBuilder out) {
    if (start == end) {
      out.append('=');
      return;
    }
    for (int i = start; i < end; i++) {
      char c = key.charAt(i);
      switch (c) {
        case '=' -> out.append("=3D");
        case '/' -> out.append("=2F");
        default -> out.append(c);
      }
    }
  }
}
