package dev.paaskit.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.core.internal.bus.Subjects;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SubjectTrieTest {
  private final SubjectTrie<String> trie = new SubjectTrie<>();

  @Test
  void findsExactAndWildcardPatternsOnce() {
    for (String pattern : List.of("a.b.c", "a.*.c", "a.>", ">", "*.b.*", "a.b", "x.y")) {
      trie.add(Subjects.checkSubscribe(pattern), pattern);
    }
    assertEquals(Set.of("a.b.c", "a.*.c", "a.>", ">", "*.b.*"), match("a.b.c"));
    assertEquals(Set.of("a.b", "a.>", ">"), match("a.b"));
    assertEquals(Set.of(">"), match("a"));
    assertEquals(Set.of("a.>", ">"), match("a.b.c.d"));
    assertEquals(Set.of(">"), match("q.r"));
  }

  @Test
  void keepsSeveralValuesPerPatternInInsertionOrder() {
    String[] pattern = Subjects.checkSubscribe("a.*");
    trie.add(pattern, "first");
    trie.add(pattern, "second");
    trie.add(pattern, "third");
    trie.add(pattern, "second");
    assertEquals(3, trie.size());
    assertEquals(List.of("first", "second", "third"), matchList("a.z"));
    assertTrue(trie.remove(pattern, "second"));
    assertEquals(List.of("first", "third"), matchList("a.z"));
  }

  @Test
  void removeForgetsOnlyTheGivenValueAndPrunes() {
    trie.add(Subjects.checkSubscribe("a.b.c"), "deep");
    trie.add(Subjects.checkSubscribe("a.>"), "rest");
    assertFalse(trie.remove(Subjects.checkSubscribe("a.b"), "deep"));
    assertFalse(trie.remove(Subjects.checkSubscribe("a.b.c"), "rest"));
    assertTrue(trie.remove(Subjects.checkSubscribe("a.b.c"), "deep"));
    assertFalse(trie.remove(Subjects.checkSubscribe("a.b.c"), "deep"));
    assertEquals(Set.of("rest"), match("a.b.c"));
    assertTrue(trie.remove(Subjects.checkSubscribe("a.>"), "rest"));
    assertEquals(0, trie.size());
    assertEquals(List.of(), trie.values());
    assertEquals(Set.of(), match("a.b.c"));
  }

  @Test
  void agreesWithThePlainDefinitionOnRandomSubjects() {
    Random random = new Random(20261122L);
    List<String> patterns = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String pattern = randomSubject(random, 4, true);
      patterns.add(pattern);
      trie.add(Subjects.checkSubscribe(pattern), i + ":" + pattern);
    }
    for (int i = 0; i < 300; i++) {
      if (i % 3 == 0) {
        int victim = random.nextInt(patterns.size());
        String replacement = randomSubject(random, 4, true);
        assertTrue(trie.remove(Subjects.checkSubscribe(patterns.get(victim)), victim + ":" + patterns.get(victim)));
        trie.add(Subjects.checkSubscribe(replacement), victim + ":" + replacement);
        patterns.set(victim, replacement);
      }
      String subject = randomSubject(random, 5, false);
      Set<String> expected = new HashSet<>();
      for (int p = 0; p < patterns.size(); p++) {
        if (Subjects.matches(patterns.get(p), subject)) {
          expected.add(p + ":" + patterns.get(p));
        }
      }
      List<String> found = matchList(subject);
      assertEquals(found.size(), new HashSet<>(found).size(), "duplicates for " + subject);
      assertEquals(expected, new HashSet<>(found), subject);
    }
    assertEquals(patterns.size(), trie.size());
  }

  private static String randomSubject(Random random, int maxTokens, boolean wildcards) {
    int length = 1 + random.nextInt(maxTokens);
    List<String> tokens = new ArrayList<>();
    for (int t = 0; t < length; t++) {
      int pick = random.nextInt(wildcards ? 5 : 3);
      if (pick == 3) {
        tokens.add("*");
      } else if (pick == 4 && t == length - 1) {
        tokens.add(">");
      } else {
        tokens.add(String.valueOf((char) ('a' + random.nextInt(3))));
      }
    }
    return String.join(".", tokens);
  }

  private Set<String> match(String subject) {
    return matchList(subject).stream().collect(Collectors.toSet());
  }

  private List<String> matchList(String subject) {
    List<String> found = new ArrayList<>();
    trie.match(Subjects.checkPublish(subject), found::add);
    return found;
  }
}
