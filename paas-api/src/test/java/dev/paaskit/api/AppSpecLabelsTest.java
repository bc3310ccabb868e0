package dev.paaskit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Labels follow the rules of Kubernetes and Cloud Foundry metadata labels, each named on error. */
@Timeout(10)
class AppSpecLabelsTest {
  private static final String LONGEST = "a".repeat(61) + "-z";

  private static InvalidSpecException refused(String key, String value) {
    Map<String, String> labels = new HashMap<>();
    labels.put(key, value);
    return assertThrows(InvalidSpecException.class,
        () -> AppSpec.builder("web").labels(labels).build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tenant", "Tenant_1", "a", "a.b-c_d", "example.com/tenant",
      "paaskit.dev/team", "a-b.example.org/x"})
  void keysWithAnOptionalDnsPrefixAreTaken(String key) {
    assertEquals(Map.of(key, "v"), AppSpec.builder("web").label(key, "v").build().labels());
  }

  @Test
  void valuesMayBeEmptyOrUpTo63Characters() {
    AppSpec spec = AppSpec.builder("web").label("empty", "").label("long", LONGEST)
        .label("mixed", "V1.2_rc-3").build();
    assertEquals(Map.of("empty", "", "long", LONGEST, "mixed", "V1.2_rc-3"), spec.labels());
    assertEquals(63, LONGEST.length());
    assertEquals(Map.of("x" + LONGEST.substring(1), "v"),
        AppSpec.builder("web").label("x" + LONGEST.substring(1), "v").build().labels(),
        "a name of 63 characters");
  }

  @Test
  void aKeyWithoutANameIsRefusedNamingIt() {
    InvalidSpecException empty = refused("", "v");
    assertEquals("labels", empty.field());
    assertEquals("invalid labels '': a label needs a key", empty.getMessage());
    assertEquals("invalid labels 'example.com/': the name '' must not be empty",
        refused("example.com/", "v").getMessage());
    assertEquals("invalid labels 'null': a label needs a key", refused(null, "v").getMessage());
  }

  @Test
  void aNameLongerThan63IsRefusedNamingIt() {
    String key = "b" + LONGEST;
    InvalidSpecException e = refused(key, "v");
    assertEquals("labels", e.field());
    assertEquals(key, e.value());
    assertEquals("invalid labels '" + key + "': the name '" + key
        + "' is 64 characters long, more than 63", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-tenant", "tenant-", "_t", "t.", "ten ant", "t\u00e9nant", "a:b"})
  void aNameOfOtherCharactersOrEndsIsRefusedNamingIt(String key) {
    InvalidSpecException e = refused(key, "v");
    assertEquals("labels", e.field());
    assertEquals(key, e.value());
    assertEquals("invalid labels '" + key + "': the name '" + key + "' must be letters, digits, "
        + "'-', '_' or '.', starting and ending with a letter or digit", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Example.com", "-example.com", "example..com", "exa_mple.com", "a/b"})
  void aPrefixThatIsNotADnsSubdomainIsRefusedNamingIt(String prefix) {
    InvalidSpecException e = refused(prefix + "/tenant", "v");
    assertEquals("labels", e.field());
    assertEquals(prefix + "/tenant", e.value());
    assertEquals("invalid labels '" + prefix + "/tenant': the prefix '" + prefix + "' must be a "
        + "DNS subdomain: lower-case letters, digits, '-' and '.', at most 253 characters",
        e.getMessage());
  }

  @Test
  void aPrefixLongerThan253IsRefused() {
    String prefix = ("a".repeat(62) + ".").repeat(4) + "ab";
    assertEquals(254, prefix.length());
    assertEquals("labels", refused(prefix + "/t", "v").field());
    String fits = prefix.substring(1);
    assertEquals(Map.of(fits + "/t", "v"),
        AppSpec.builder("web").label(fits + "/t", "v").build().labels());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-acme", "acme-", "ac me", "acme!", "\u00e9"})
  void aBadValueIsRefusedNamingTheLabelAndTheValue(String value) {
    InvalidSpecException e = refused("tenant", value);
    assertEquals("labels.tenant", e.field());
    assertEquals(value, e.value());
    assertEquals("invalid labels.tenant '" + value + "': the value must be letters, digits, '-', "
        + "'_' or '.', starting and ending with a letter or digit", e.getMessage());
  }

  @Test
  void aValueLongerThan63OrMissingIsRefusedNamingTheLabel() {
    InvalidSpecException tooLong = refused("tenant", LONGEST + "z");
    assertEquals("labels.tenant", tooLong.field());
    assertEquals("invalid labels.tenant '" + LONGEST + "z': the value is 64 characters long, "
        + "more than 63", tooLong.getMessage());
    InvalidSpecException none = refused("tenant", null);
    assertEquals("labels.tenant", none.field());
    assertEquals("invalid labels.tenant 'null': has no value; give \"\" for none",
        none.getMessage());
  }

  @Test
  void atMost64LabelsAreTaken() {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < 64; i++) {
      labels.put("k" + i, "v");
    }
    assertEquals(64, AppSpec.builder("web").labels(labels).build().labels().size());
    labels.put("k64", "v");
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> AppSpec.builder("web").labels(labels).build());
    assertEquals("labels", e.field());
    assertEquals("invalid labels '65 labels': an app carries at most 64", e.getMessage());
  }

  @Test
  void labelsAreCopiedAndTheBuilderReplacesThem() {
    Map<String, String> given = new HashMap<>(Map.of("tenant", "acme"));
    AppSpec spec = AppSpec.builder("web").label("old", "x").labels(given).build();
    given.put("team", "blue");
    assertEquals(Map.of("tenant", "acme"), spec.labels());
    assertThrows(UnsupportedOperationException.class, () -> spec.labels().put("a", "b"));
    assertEquals(Map.of("tenant", "globex"),
        spec.toBuilder().label("tenant", "globex").build().labels());
    assertEquals(Map.of(), AppSpec.builder("web").build().labels());
    assertEquals(Map.of(), new AppSpec("web", 1, AppSpec.DEFAULT_MEMORY, AppSpec.DEFAULT_DISK,
        null, null, null, null, null, null, null, false, null, null).labels());
  }
}
