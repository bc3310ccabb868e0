package dev.paaskit.cartridges.openshift;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * Orders version texts as people read them: split at dots and dashes, numeric parts compared as
 * numbers ({@code 1.10 > 1.9}), other parts as text, a version with more parts after its
 * equal prefix ({@code 1.0.1 > 1.0}).
 */
final class VersionOrder {
  static final Comparator<String> ASCENDING = VersionOrder::compare;
  private static final Pattern SEPARATOR = Pattern.compile("[.\\-_+]");
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private VersionOrder() {}

  static int compare(String a, String b) {
    String[] x = SEPARATOR.split(a);
    String[] y = SEPARATOR.split(b);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = part(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int part(String a, String b) {
    boolean na = DIGITS.matcher(a).matches();
    boolean nb = DIGITS.matcher(b).matches();
    if (na && nb) {
      String ta = a.replaceFirst("^0+(?=.)", "");
      String tb = b.replaceFirst("^0+(?=.)", "");
      return ta.length() != tb.length() ? Integer.compare(ta.length(), tb.length())
          : ta.compareTo(tb);
    }
    if (na != nb) {
      return na ? 1 : -1;
    }
    return a.compareTo(b);
  }
}
