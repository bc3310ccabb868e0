package dev.paaskit.core.internal.bus;

import java.util.Objects;

/**
 * The subject grammar of NATS core: tokens separated by {@code .}, none empty, no whitespace or
 * control characters. In a subscription a token may be the wildcard {@code *} (exactly one token)
 * and the last token may be {@code >} (one or more tokens). A wildcard character is only allowed
 * as a whole token, so {@code a.b*} is rejected rather than read as a literal.
 */
public final class Subjects {
  public static final String ONE = "*";
  public static final String REST = ">";

  private Subjects() {}

  /**
   * Checks the arguments of a request: a subject to publish to, data, and a positive timeout.
   *
   * @throws IllegalArgumentException naming what cannot be used
   */
  public static void checkRequest(String subject, byte[] data, java.time.Duration timeout) {
    checkPublish(subject);
    Objects.requireNonNull(data, "data");
    checkTimeout(timeout);
  }

  /**
   * Checks a request's subject to publish to and its timeout, which must be positive.
   *
   * @throws IllegalArgumentException naming what cannot be used
   */
  public static void checkRequest(String subject, java.time.Duration timeout) {
    checkPublish(subject);
    checkTimeout(timeout);
  }

  private static void checkTimeout(java.time.Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive, was " + timeout);
    }
  }

  /** Checks a subject that messages are published to and returns its tokens. */
  public static String[] checkPublish(String subject) {
    String[] tokens = tokenize(subject);
    for (String token : tokens) {
      if (isWildcard(token)) {
        throw new IllegalArgumentException("subject \"" + subject + "\" holds the wildcard '"
            + token + "': messages go to concrete subjects, wildcards are for subscriptions");
      }
    }
    return tokens;
  }

  /** Checks a subscription subject, which may hold wildcards, and returns its tokens. */
  public static String[] checkSubscribe(String subject) {
    String[] tokens = tokenize(subject);
    for (int i = 0; i < tokens.length - 1; i++) {
      if (tokens[i].equals(REST)) {
        throw new IllegalArgumentException("subject \"" + subject
            + "\" holds '>' before its last token: '>' may only end a subscription subject");
      }
    }
    return tokens;
  }

  /** Checks a queue group name: not empty, no whitespace or control characters. */
  public static String checkQueueGroup(String queueGroup) {
    Objects.requireNonNull(queueGroup, "queueGroup");
    if (queueGroup.isEmpty()) {
      throw new IllegalArgumentException("queue group name is empty");
    }
    int bad = firstForbiddenChar(queueGroup);
    if (bad >= 0) {
      throw new IllegalArgumentException("queue group \"" + queueGroup
          + "\" holds a whitespace or control character at index " + bad);
    }
    return queueGroup;
  }

  /**
   * Whether the subscription subject {@code pattern} matches the concrete {@code subject}. Both
   * must be valid; this is the plain definition that {@link SubjectTrie} computes faster.
   */
  public static boolean matches(String pattern, String subject) {
    String[] want = split(pattern);
    String[] have = split(subject);
    for (int i = 0; i < want.length; i++) {
      if (want[i].equals(REST)) {
        return have.length > i;
      }
      if (i >= have.length || !(want[i].equals(ONE) || want[i].equals(have[i]))) {
        return false;
      }
    }
    return want.length == have.length;
  }

  private static boolean isWildcard(String token) {
    return token.equals(ONE) || token.equals(REST);
  }

  private static String[] tokenize(String subject) {
    Objects.requireNonNull(subject, "subject");
    if (subject.isEmpty()) {
      throw new IllegalArgumentException("subject is empty");
    }
    int bad = firstForbiddenChar(subject);
    if (bad >= 0) {
      throw new IllegalArgumentException("subject \"" + subject
          + "\" holds a whitespace or control character at index " + bad);
    }
    String[] tokens = split(subject);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.isEmpty()) {
        throw new IllegalArgumentException("subject \"" + subject + "\" has an empty token at position "
            + (i + 1) + ": tokens are separated by single dots, with none at either end");
      }
      if (!isWildcard(token) && (token.indexOf('*') >= 0 || token.indexOf('>') >= 0)) {
        throw new IllegalArgumentException("subject \"" + subject + "\" has token \"" + token
            + "\" mixing a wildcard with other characters: '*' and '>' must be whole tokens");
      }
    }
    return tokens;
  }

  /**
   * {@code subject} split at every dot, empty tokens kept; by hand, since this runs for every
   * message and String.split may compile a pattern.
   */
  public static String[] split(String subject) {
    int count = 1;
    for (int i = 0; i < subject.length(); i++) {
      if (subject.charAt(i) == '.') {
        count++;
      }
    }
    String[] tokens = new String[count];
    int start = 0;
    for (int i = 0; i < count - 1; i++) {
      int end = subject.indexOf('.', start);
      tokens[i] = subject.substring(start, end);
      start = end + 1;
    }
    tokens[count - 1] = subject.substring(start);
    return tokens;
  }

  private static int firstForbiddenChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > ' ' && c < 0x7f) {
        continue; // printable ASCII, what nearly every subject is made of
      }
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        return i;
      }
    }
    return -1;
  }
}
