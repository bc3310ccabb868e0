package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class BuildpackReleaseTest {
  static List<Path> corpus() {
    return Corpus.files("buildpack-release");
  }

  @ParameterizedTest
  @MethodSource("corpus")
  @ExtendWith(Corpus.Required.class)
  void everyCorpusReleaseParses(Path file) throws IOException {
    BuildpackRelease release = BuildpackRelease.parse(Files.readString(file, StandardCharsets.UTF_8));

    assertTrue(release.defaultProcessTypes().values().stream().noneMatch(String::isBlank),
        file + ": " + release);
    release.web().ifPresent(web -> assertFalse(web.isBlank()));
  }

  @Test
  void readsTheCorpusAsWritten() throws IOException {
    Path dir = Corpus.folder("buildpack-release");
    BuildpackRelease clojure = read(dir, "heroku__heroku-buildpack-clojure__release.txt");
    assertEquals(Optional.of("lein trampoline run"), clojure.web());
    assertEquals(List.of("PATH", "JVM_OPTS", "LEIN_NO_DEV"), List.copyOf(clojure.configVars().keySet()));
    assertEquals("yes", clojure.configVars().get("LEIN_NO_DEV"), "YAML 1.1 booleans stay as written");
    assertEquals("-Xmx400m -Dfile.encoding=UTF-8", clojure.configVars().get("JVM_OPTS"));

    assertEquals(BuildpackRelease.empty(), read(dir, "heroku__heroku-buildpack-go__release.txt"));
    assertEquals(Optional.of("npm start"), read(dir, "heroku__heroku-buildpack-nodejs__release.txt").web());
    assertEquals(Map.of(), read(dir, "heroku__heroku-buildpack-nodejs__release.mcp.txt")
        .defaultProcessTypes());
    assertEquals(List.of("heroku-postgresql"),
        read(dir, "heroku__heroku-buildpack-python__release.txt").addons());
    BuildpackRelease python = read(dir, "heroku__heroku-buildpack-python__release.2eab1ad.txt");
    assertEquals(List.of("heroku-postgresql:hobby-dev"), python.addons());
    assertEquals(Map.of(), python.configVars());
    assertEquals(Optional.of("$HOME/boot.sh"),
        read(dir, "cloudfoundry__staticfile-buildpack__release.txt").web());
    assertEquals(Optional.of(">&2 echo Error: no start command specified during staging or launch"
        + " && exit 1"), read(dir, "cloudfoundry__binary-buildpack__release.txt").web());
  }

  private static BuildpackRelease read(Path dir, String name) throws IOException {
    return BuildpackRelease.parse(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
  }

  @Test
  void emptyOutputAndUnknownKeysGiveAnEmptyRelease() {
    assertEquals(BuildpackRelease.empty(), BuildpackRelease.parse(""));
    assertEquals(BuildpackRelease.empty(), BuildpackRelease.parse("# nothing\n---\n"));
    assertEquals(BuildpackRelease.empty(), BuildpackRelease.parse("stack: cedar\n"));
    assertEquals(Map.of("EMPTY", "", "N", "010"),
        BuildpackRelease.parse("config_vars:\n  EMPTY:\n  N: 010\n").configVars());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("default_process_types: [web]\n", "default_process_types", "must be a mapping"),
        Arguments.of("- web: x\n", "bin/release output", "must be a mapping"),
        Arguments.of("web: x\n---\nweb: y\n", "bin/release output (line 3)", "more than one YAML document"),
        Arguments.of("default_process_types:\n  web: [a, b]\n", "default_process_types.web", "must be text"),
        Arguments.of("default_process_types:\n  web:\n", "default_process_types.web", "must be text"),
        Arguments.of("default_process_types:\n  web: '  '\n", "default_process_types.web", "must not be blank"),
        Arguments.of("default_process_types:\n  'a b': x\n", "default_process_types.a b", "not a valid name"),
        Arguments.of("config_vars:\n  1PATH: x\n", "config_vars.1PATH", "not a valid name"),
        Arguments.of("config_vars:\n  A: {b: c}\n", "config_vars.A", "must be text"),
        Arguments.of("config_vars: text\n", "config_vars", "must be a mapping"),
        Arguments.of("addons: {a: b}\n", "addons", "must be a list"),
        Arguments.of("default_process_types:\n  web: x\n  web: y\n", "default_process_types.web", "given twice"),
        Arguments.of("addons: []\naddons: [x]\n", "addons", "given twice"),
        Arguments.of("default_process_types:\n\tweb: x\n", "bin/release output (line 2)", "not valid YAML"),
        Arguments.of("default_process_types: &a {web: *a}\n", "default_process_types.web", "must be text"),
        Arguments.of("x: " + "y".repeat(BuildpackRelease.MAX_CHARS), "bin/release output", "longer than"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedOutputFailsNamingTheKey(String text, String field, String problem) {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> BuildpackRelease.parse(text));

    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }
}
