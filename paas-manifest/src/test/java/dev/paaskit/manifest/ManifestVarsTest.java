package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.ByteSize;
import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ManifestVarsTest {
  private static final String MANIFEST = """
      applications:
      - name: ((app))
        instances: ((count))
        memory: ((mem))M
        routes:
        - route: ((app)).((domain))
        services: ((services))
        env:
          DEBUG: ((debug))
          DB_HOST: ((db.host))
          LABEL: "app ((app)) x((count))"
      """;

  @TempDir Path dir;
  private final ManifestParser parser = ManifestParser.create();

  @Test
  void aVarsFileIsReadTypedAndFillsTheManifest() throws IOException {
    Path varsFile = Files.writeString(dir.resolve("vars.yml"), """
        app: shop
        count: 3
        mem: 512
        domain: apps.example.com
        services: [db, cache]
        debug: true
        db:
          host: db.internal
        nothing: ~
        """);
    Map<String, Object> vars = parser.readVarsFile(varsFile);
    assertEquals(3L, vars.get("count"));
    assertEquals(Boolean.TRUE, vars.get("debug"));
    assertEquals(List.of("db", "cache"), vars.get("services"));
    assertEquals(Map.of("host", "db.internal"), vars.get("db"));
    assertTrue(vars.containsKey("nothing"));
    assertEquals(null, vars.get("nothing"));
    assertEquals(List.of("app", "count", "mem", "domain", "services", "debug", "db", "nothing"),
        List.copyOf(vars.keySet()), "file order");

    Path manifestFile = Files.writeString(dir.resolve("manifest.yml"), MANIFEST);
    ManifestApp app = parser.parseCloudFoundry(manifestFile, vars).apps().get(0);
    assertEquals(Optional.of("shop"), app.name());
    assertEquals(Optional.of(3), app.instances());
    assertEquals(Optional.of(ByteSize.ofMegabytes(512)), app.memory());
    assertEquals(List.of("shop.apps.example.com"), app.routes());
    assertEquals(List.of("db", "cache"), app.services(), "a whole-value var keeps its list");
    assertEquals(Map.of("DEBUG", "true", "DB_HOST", "db.internal", "LABEL", "app shop x3"),
        app.env());
  }

  @Test
  void typedValuesFromCodeWorkLikeThoseFromAFile() {
    Map<String, Object> vars = Map.of("app", "web", "count", 2, "mem", 64L,
        "domain", "example.org", "services", List.of(), "debug", false,
        "db", Map.of("host", "h"));
    ManifestApp app = parser.parseCloudFoundry(MANIFEST, "m.yml", vars).apps().get(0);
    assertEquals(Optional.of(2), app.instances());
    assertEquals(List.of(), app.services());
    assertEquals("false", app.env().get("DEBUG"));
  }

  @Test
  void anUndefinedVariableIsAnErrorNamingItAndItsLine() {
    InvalidSpecException whole = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry("applications:\n- name: shop\n  memory: ((mem))\n",
            "m.yml", Map.of()));
    assertEquals("applications[0].memory (line 3)", whole.field());
    assertEquals("((mem))", whole.value());
    assertTrue(whole.getMessage().contains("variable 'mem' is not defined"), whole.getMessage());

    InvalidSpecException inText = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry(MANIFEST, "m.yml", Map.of("app", "shop", "count", 1,
            "mem", 1, "domain", "d.org", "services", List.of(), "debug", true)));
    assertEquals("applications[0].env.DB_HOST (line 10)", inText.field());
    assertTrue(inText.getMessage().contains("variable 'db.host' is not defined"),
        inText.getMessage());
  }

  @Test
  void aVariableOfTheWrongKindIsAnErrorWhereItIsUsed() {
    InvalidSpecException listInText = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry("applications:\n- name: a-((list))\n", "m.yml",
            Map.of("list", List.of("x"))));
    assertEquals("applications[0].name (line 2)", listInText.field());
    assertTrue(listInText.getMessage().contains("holds a list"), listInText.getMessage());

    InvalidSpecException textAsNumber = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry("applications:\n- name: a\n  instances: ((n))\n",
            "m.yml", Map.of("n", "three")));
    assertEquals("applications[0].instances (line 3)", textAsNumber.field());
    assertEquals("three", textAsNumber.value());
  }

  @Test
  void aVarsFileThatIsNotAMappingIsRefusedNamingTheFile() throws IOException {
    Path list = Files.writeString(dir.resolve("list.yml"), "- a\n- b\n");
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> parser.readVarsFile(list));
    assertEquals(list + " (line 1)", e.field());
    assertEquals(Map.of(), parser.readVarsFile(Files.writeString(dir.resolve("e.yml"), "")));
  }
}
