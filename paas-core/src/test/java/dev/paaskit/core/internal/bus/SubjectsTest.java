package dev.paaskit.core.internal.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class SubjectsTest {
  @Test
  void publishSubjectSplitsIntoTokens() {
    assertArrayEquals(new String[] {"a", "b-c", "_INBOX", "42"}, Subjects.checkPublish("a.b-c._INBOX.42"));
    assertArrayEquals(new String[] {"single"}, Subjects.checkPublish("single"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a.b", "a..b", ".a", "a.", ".", "..", "_INBOX.42.x", "\u00e9.\u4e2d"})
  void splitKeepsEveryTokenEmptyOnesIncluded(String subject) {
    assertArrayEquals(subject.split("\\.", -1), Subjects.split(subject));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a..b", ".a", "a.", ".", "a b", "a\tb", "a\nb", "a\u00a0b", "a.*", "*", ">",
      "a.>", "*.b", "a.b*", "a.>b", "a.\u0001"})
  void publishRejectsInvalidSubjectsNamingThem(String subject) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Subjects.checkPublish(subject));
    assertTrue(e.getMessage().contains("\"" + subject + "\""), e.getMessage());
  }

  @Test
  void emptyAndNullSubjectsAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Subjects.checkPublish(""));
    assertEquals("subject is empty", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Subjects.checkSubscribe(""));
    assertThrows(NullPointerException.class, () -> Subjects.checkPublish(null));
    assertThrows(NullPointerException.class, () -> Subjects.checkSubscribe(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.*", "*", ">", "a.>", "*.>", "*.*.c", "a.b"})
  void subscriptionsAcceptWholeTokenWildcards(String subject) {
    assertEquals(subject, String.join(".", Subjects.checkSubscribe(subject)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.>.b", ">.a", "a..*", "a.*b", "a b.>", "a.>>", "a.**"})
  void subscriptionsRejectMisplacedOrMixedWildcards(String subject) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Subjects.checkSubscribe(subject));
    assertTrue(e.getMessage().contains("\"" + subject + "\""), e.getMessage());
  }

  @Test
  void queueGroupsMustBeNonEmptyWithoutWhitespace() {
    assertEquals("workers.v2", Subjects.checkQueueGroup("workers.v2"));
    assertEquals("queue group name is empty",
        assertThrows(IllegalArgumentException.class, () -> Subjects.checkQueueGroup("")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Subjects.checkQueueGroup("my workers"))
        .getMessage().contains("\"my workers\""));
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "a.b, a.b, true",
      "a.b, a, false",
      "a.b, a.b.c, false",
      "a.b, a.bc, false",
      "ab, a.b, false",
      "A.b, a.b, false",
      "a.*, a.b, true",
      "a.*, a, false",
      "a.*, a.b.c, false",
      "*, a, true",
      "*, a.b, false",
      "*.b, a.b, true",
      "*.b, a.c, false",
      "a.*.c, a.b.c, true",
      "a.*.c, a.c, false",
      "a.*.c, a.b.d, false",
      "*.*, a.b, true",
      "*.*, a.b.c, false",
      "a.>, a.b, true",
      "a.>, a.b.c.d, true",
      "a.>, a, false",
      "a.>, b.c, false",
      ">, a, true",
      ">, a.b.c, true",
      "*.>, a, false",
      "*.>, a.b, true",
      "a.*.>, a.b, false",
      "a.*.>, a.b.c, true",
  })
  void matchesFollowsNatsWildcards(String pattern, String subject, boolean expected) {
    assertEquals(expected, Subjects.matches(pattern, subject));
  }
}
