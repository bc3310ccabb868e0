package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken YAML is refused quickly, with a message that says why. */
@Timeout(10)
class ManifestSafetyTest {
  @TempDir Path dir;
  private final ManifestParser parser = ManifestParser.create();

  private InvalidSpecException refused(String yaml) {
    return assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry(yaml, "manifest.yml", Map.of()));
  }

  private static void assertMessage(InvalidSpecException e, String part) {
    assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
  }

  @Test
  void theClassicAliasBombIsRefusedForItsAliasCount() {
    StringBuilder yaml =
        new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level <= 8; level++) {
      String alias = "*l" + (level - 1);
      yaml.append("l").append(level).append(": &l").append(level).append(" [")
          .append(String.join(", ", Collections.nCopies(9, alias))).append("]\n");
    }
    InvalidSpecException e = refused(yaml.toString());
    assertEquals("manifest.yml", e.field());
    assertMessage(e, "at most 50 aliases");
  }

  @Test
  void aBombWithFewAliasesIsRefusedForWhatItWouldExpandTo() {
    StringBuilder yaml = new StringBuilder("l0: &l0 [lol, lol]\n");
    for (int level = 1; level <= 24; level++) {
      String alias = "*l" + (level - 1);
      yaml.append("l").append(level).append(": &l").append(level).append(" [").append(alias)
          .append(", ").append(alias).append("]\n");
    }
    yaml.append("applications:\n- name: a\n  env: *l24\n");
    InvalidSpecException e = refused(yaml.toString());
    assertEquals("manifest.yml", e.field());
    assertMessage(e, "expand to more than 100000 values");
  }

  @Test
  void aFewAliasesThatStayUnderTheLimitsAreFine() {
    Manifest manifest = parser.parseCloudFoundry("""
        env: &env {A: "1"}
        applications:
        - {name: a, env: *env}
        - {name: b, env: *env}
        """, "manifest.yml", Map.of());
    assertEquals(Map.of("A", "1"), manifest.app("b").orElseThrow().env());
  }

  @Test
  void anAliasInsideItsOwnAnchorIsRefused() {
    InvalidSpecException list = refused("a: &a [1, *a]\n");
    assertEquals("a[1] (line 1)", list.field());
    assertMessage(list, "refers to the list or mapping that contains it");

    InvalidSpecException merge = refused("a: &a\n  b: 1\n  c:\n    <<: *a\n");
    assertMessage(merge, "refers to the list or mapping that contains it");
  }

  @Test
  void tagsThatNameTypesAreRefusedNotInstantiated() {
    InvalidSpecException java = refused("applications:\n- name: !!javax.script.ScriptEngineManager "
        + "[!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]\n");
    assertEquals("manifest.yml (line 2)", java.field(), "SnakeYAML's tag inspector refuses it");
    assertMessage(java, "Global tag is not allowed");

    InvalidSpecException ruby = refused("applications:\n- name: !ruby/object:Gem::Installer x\n");
    assertEquals("applications[0].name (line 2)", ruby.field());
    assertEquals("!ruby/object:Gem::Installer", ruby.value());
    assertMessage(ruby, "this YAML tag is not allowed in a manifest");
  }

  @Test
  void textThatIsNotYamlNamesTheLine() {
    InvalidSpecException tab = refused("applications:\n\t- name: a\n");
    assertEquals("manifest.yml (line 2)", tab.field());
    assertMessage(tab, "not valid YAML");

    InvalidSpecException twoDocuments = refused("applications: []\n---\napplications: []\n");
    assertEquals("manifest.yml (line 2)", twoDocuments.field());
    assertMessage(twoDocuments, "single document");

    InvalidSpecException conflict = refused("""
        applications:
        - name: a
        <<<<<<< HEAD
          memory: 1G
        =======
          memory: 2G
        >>>>>>> theirs
        """);
    assertMessage(conflict, "line 3 looks like an unresolved git merge conflict");

    InvalidSpecException mergeScalar = refused("a: &x 5\nb:\n  <<: *x\n");
    assertEquals("b.<< (line 1)", mergeScalar.field());
    assertMessage(mergeScalar, "'<<' merges a mapping");

    InvalidSpecException deep = refused("a: " + "[".repeat(60) + "]".repeat(60) + "\n");
    assertMessage(deep, "nest at most 50 deep");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedBeforeParsing() throws IOException {
    Path big = dir.resolve("manifest.yml");
    byte[] bytes = new byte[ManifestParser.MAX_BYTES + 1];
    Arrays.fill(bytes, (byte) '#');
    Files.write(big, bytes);
    InvalidSpecException file = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry(big, Map.of()));
    assertEquals(big.toString(), file.field());
    assertMessage(file, "larger than the limit of 3145728 bytes");

    InvalidSpecException text = assertThrows(InvalidSpecException.class,
        () -> parser.parseStackato("#".repeat(ManifestParser.MAX_BYTES + 1), "stackato.yml"));
    assertMessage(text, "larger than the limit");
  }

  @Test
  void aFileThatIsNotUtf8IsRefused() throws IOException {
    Path latin1 = Files.write(dir.resolve("manifest.yml"),
        "applications:\n- name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry(latin1, Map.of()));
    assertMessage(e, "not UTF-8 text");
  }

  @Test
  void aByteOrderMarkIsSkipped() throws IOException {
    Path withBom = Files.writeString(dir.resolve("manifest.yml"),
        "\uFEFFapplications:\n- name: bom\n");
    assertEquals("bom", parser.parseCloudFoundry(withBom, Map.of()).apps().get(0).name()
        .orElseThrow());
  }
}
