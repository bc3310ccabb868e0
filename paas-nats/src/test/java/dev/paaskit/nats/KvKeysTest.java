package dev.paaskit.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.core.internal.store.Keys;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class KvKeysTest {
  /** What every NATS server and client accepts as a KV key: no '/', no empty token. */
  private static final Pattern PORTABLE_KV_KEY = Pattern.compile("[-_=a-zA-Z0-9]+(\\.[-_=a-zA-Z0-9]+)*");
  private static final String ALPHABET = "ab/=.-_Z9";

  @Test
  void escapesSlashEqualsAndEmptyTokens() {
    assertEquals("apps.shop", KvKeys.encode("apps.shop"));
    assertEquals("apps=2Fshop-1=2F0", KvKeys.encode("apps/shop-1/0"));
    assertEquals("a.=.b", KvKeys.encode("a..b"));
    assertEquals("a.=.=.b", KvKeys.encode("a...b"));
    assertEquals("tenant=3Dacme", KvKeys.encode("tenant=acme"));
    assertEquals("=3D.=2F", KvKeys.encode("=./"));
  }

  @Test
  void randomKeysEncodeToPortableKvKeysAndDecodeBack() {
    Random random = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      String key = randomKey(random);
      String encoded = KvKeys.encode(key);
      assertTrue(PORTABLE_KV_KEY.matcher(encoded).matches(), key + " -> " + encoded);
      assertEquals(key, KvKeys.decode(encoded), encoded);
    }
  }

  @Test
  void theFilterOfAPrefixSelectsEveryKeyStartingWithIt() {
    Random random = new Random(11);
    int selected = 0;
    for (int n = 0; n < 20_000; n++) {
      String key = randomKey(random);
      String prefix = key.substring(0, random.nextInt(key.length() + 1));
      assertTrue(matches(KvKeys.filter(prefix), KvKeys.encode(key)),
          "filter " + KvKeys.filter(prefix) + " of prefix " + prefix + " misses " + key);
      String other = randomKey(random);
      if (!other.startsWith(prefix) && matches(KvKeys.filter(prefix), KvKeys.encode(other))) {
        selected++;
      }
    }
    assertTrue(selected < 20_000, "the filter narrows nothing");
  }

  @Test
  void filtersUseTheCompleteTokensOfThePrefix() {
    assertEquals(">", KvKeys.filter(""));
    assertEquals(">", KvKeys.filter("apps/"));
    assertEquals("apps.>", KvKeys.filter("apps."));
    assertEquals("apps.>", KvKeys.filter("apps.sh"));
    assertEquals("a.=.>", KvKeys.filter("a..b"));
    assertFalse(matches("apps.>", KvKeys.encode("apps")));
  }

  private static String randomKey(Random random) {
    while (true) {
      char[] chars = new char[1 + random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      }
      String key = new String(chars);
      try {
        return Keys.checkKey(key);
      } catch (IllegalArgumentException startsOrEndsWithDot) {
        assertTrue(key.startsWith(".") || key.endsWith("."), startsOrEndsWithDot.getMessage());
      }
    }
  }

  /** NATS subject matching of a filter with at most a final '>' against a concrete subject. */
  private static boolean matches(String filter, String subject) {
    String[] want = filter.split("\\.", -1);
    String[] have = subject.split("\\.", -1);
    if (want[want.length - 1].equals(">")) {
      return have.length >= want.length
          && Arrays.equals(want, 0, want.length - 1, have, 0, want.length - 1);
    }
    return Arrays.equals(want, have);
  }
}
