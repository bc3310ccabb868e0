package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.PlacementConstraints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class CloudFoundryManifestTest {
  private final ManifestParser parser = ManifestParser.create();

  private Manifest parse(String yaml) {
    return parser.parseCloudFoundry(yaml, "manifest.yml", Map.of());
  }

  private InvalidSpecException refused(String yaml) {
    return assertThrows(InvalidSpecException.class, () -> parse(yaml));
  }

  @Test
  void anchorsAndMergeKeysShareADefaultsBlockThatEachAppMayOverride() {
    Manifest manifest = parse("""
        defaults: &defaults
          memory: 512M
          instances: 2
          env:
            MODE: shared
        applications:
        - name: api
          <<: *defaults
          instances: 4
        - name: worker
          <<: *defaults
          env:
            MODE: own
        """);
    ManifestApp api = manifest.app("api").orElseThrow();
    assertEquals(Optional.of(ByteSize.ofMegabytes(512)), api.memory());
    assertEquals(Optional.of(4), api.instances());
    assertEquals(Map.of("MODE", "shared"), api.env());
    ManifestApp worker = manifest.app("worker").orElseThrow();
    assertEquals(Optional.of(ByteSize.ofMegabytes(512)), worker.memory());
    assertEquals(Optional.of(2), worker.instances());
    assertEquals(Map.of("MODE", "own"), worker.env(), "a merge is shallow: own env replaces");
    assertEquals(List.of("unknown key 'defaults' at line 1, ignored"), manifest.warnings());
  }

  @Test
  void metadataLabelsBecomeTheAppsLabelsAndAnnotationsAreNotKept() {
    Manifest manifest = parse("""
        applications:
        - name: web
          metadata:
            labels:
              tenant: acme
              example.com/tier: ''
              sensitive: true
              replicas: 3
            annotations:
              contact: bob@example.com
            owner: me
        - name: plain
        """);
    ManifestApp web = manifest.app("web").orElseThrow();
    assertEquals(Map.of("tenant", "acme", "example.com/tier", "", "sensitive", "true",
        "replicas", "3"), web.labels());
    assertEquals(List.of("tenant", "example.com/tier", "sensitive", "replicas"),
        List.copyOf(web.labels().keySet()), "in manifest order");
    assertEquals(web.labels(), web.toSpecBuilder().build().labels());
    assertEquals(Map.of(), manifest.app("plain").orElseThrow().labels());
    assertEquals(List.of("key 'annotations' in applications[0].metadata at line 9 is not "
            + "supported by PaaSKit (only labels are kept), ignored",
        "unknown key 'owner' in applications[0].metadata at line 11, ignored"),
        manifest.warnings());
  }

  @Test
  void topLevelMetadataLabelsAreMergedIntoEachAppsOwn() {
    Manifest manifest = parse("""
        metadata:
          labels:
            tenant: acme
            team: blue
        applications:
        - name: web
          metadata:
            labels:
              team: red
        """);
    assertEquals(Map.of("tenant", "acme", "team", "red"),
        manifest.app("web").orElseThrow().labels());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'-tenant: acme'|applications[0].metadata.labels.-tenant (line 5)|-tenant|the name "
          + "'-tenant' must be letters, digits, '-', '_' or '.', starting and ending with a "
          + "letter or digit",
      "'Example.com/tenant: acme'|applications[0].metadata.labels.Example.com/tenant (line 5)"
          + "|Example.com/tenant|the prefix 'Example.com' must be a DNS subdomain: lower-case "
          + "letters, digits, '-' and '.', at most 253 characters",
      "'tenant: ac me'|applications[0].metadata.labels.tenant (line 5)|ac me|the value must "
          + "be letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      "'tenant:'|applications[0].metadata.labels.tenant (line 5)|''|needs a value; write '' "
          + "for an empty one",
      "'tenant: [a, b]'|applications[0].metadata.labels.tenant (line 5)|[a, b]|must be text, "
          + "a number or a boolean, not a list"})
  void aLabelThatCannotBeUsedIsRefusedNamingItAndItsLine(String line, String field,
      String value, String problem) {
    InvalidSpecException e = refused("""
        applications:
        - name: web
          metadata:
            labels:
              %s
        """.formatted(line));
    assertEquals(field, e.field());
    assertEquals(problem, e.getMessage().substring(e.getMessage().indexOf("': ") + 3),
        e.getMessage());
    assertEquals(value, e.value());
  }

  @Test
  void moreThan64LabelsAreRefusedNamingTheBlock() {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 65; i++) {
      labels.append("      k").append(i).append(": v\n");
    }
    InvalidSpecException e = refused("applications:\n- name: web\n  metadata:\n    labels:\n"
        + labels);
    assertEquals("applications[0].metadata.labels (line 5)", e.field());
    assertEquals("invalid applications[0].metadata.labels (line 5) '65 labels': an app "
        + "carries at most 64", e.getMessage());
  }

  @Test
  void stackAndThePlacementBlockBecomeTheAppsPlacementConstraints() {
    ManifestApp app = parse("""
        applications:
        - name: spread
          stack: cflinuxfs4
          placement:
            zones: [eu-1, eu-2]
            tags: ssd
            cpu-shares: 512
            max-per-node: 1
        - name: plain
        """).apps().get(0);
    assertEquals(new PlacementConstraints("cflinuxfs4", Set.of("eu-1", "eu-2"), Set.of("ssd"),
        512, 1), app.toSpecBuilder().build().placement());
    assertEquals(PlacementConstraints.none(), parse("""
        applications:
        - name: plain
        """).apps().get(0).placement());
  }

  @Test
  void aBadPlacementNamesTheKeyAndLine() {
    InvalidSpecException unknown = refused("""
        applications:
        - name: spread
          placement:
            racks: [r1]
        """);
    assertTrue(unknown.field().contains("applications[0].placement.racks"), unknown.field());
    assertTrue(unknown.getMessage().contains("use zones, tags, cpu-shares or max-per-node"),
        unknown.getMessage());
    InvalidSpecException zone = refused("""
        applications:
        - name: spread
          placement:
            zones: ["no spaces"]
        """);
    assertTrue(zone.field().contains("applications[0].placement.zones"), zone.field());
    assertTrue(zone.getMessage().contains("letters, digits"), zone.getMessage());
  }

  @Test
  void ofSeveralMergedMappingsTheFirstWins() {
    ManifestApp app = parse("""
        small: &small {memory: 128M, instances: 1}
        big: &big {memory: 2G, instances: 8, disk_quota: 4G}
        applications:
        - name: mixed
          <<: [*small, *big]
        """).apps().get(0);
    assertEquals(Optional.of(ByteSize.ofMegabytes(128)), app.memory());
    assertEquals(Optional.of(1), app.instances());
    assertEquals(Optional.of(ByteSize.parse("disk", "4G")), app.disk());
  }

  @Test
  void unknownKeysWarnNamingKeyPlaceAndLineAndNeverStopTheParse() {
    Manifest manifest = parse("""
        applications:
        - name: shop
          memory: 256M
          colour: blue
          processes:
          - type: web
            flavour: mint
        colour: red
        """);
    assertEquals(List.of(
        "unknown key 'colour' in applications[0] at line 4, ignored",
        "unknown key 'flavour' in applications[0].processes[0] at line 7, ignored",
        "unknown key 'colour' at line 8, ignored"), manifest.warnings());
    assertEquals(Optional.of("shop"), manifest.apps().get(0).name());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      instances | three | must be a whole number
      instances | 2.5 | must be a whole number
      instances | 100001 | must be between 0 and 100000
      memory | lots | must be a size such as 256M or 1G
      memory | 0M | must be positive
      disk_quota | 10X | must be a size such as 256M or 1G
      health-check-type | tcpish | must be port, process or http
      health-check-http-endpoint | health | must be a path starting with /
      timeout | -5 | must be between 1 and 86400
      timeout | 0 | must be between 1 and 86400
      random-route | maybe | must be true or false
      command | [a, b] | must be text, not a list
      buildpacks | python | must be a list of text
      name | My_App | must be a DNS label
      routes | web.example | must be a list such as - route
      """)
  void aWrongValueNamesKeyLineAndWhatWouldDo(String key, String value, String problem) {
    InvalidSpecException e = refused("applications:\n- path: .\n  " + key + ": " + value + "\n");
    assertEquals("applications[0]." + key + " (line 3)", e.field());
    assertEquals(value, e.value());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void wrongValuesInsideProcessesRoutesAndEnvNameTheirFullPath() {
    InvalidSpecException memory = refused("""
        applications:
        - name: shop
          processes:
          - type: web
            memory: lots
        """);
    assertEquals("applications[0].processes[0].memory (line 5)", memory.field());

    InvalidSpecException host = refused("""
        applications:
        - name: shop
          routes:
          - route: shop.example.com
          - route: not a host!.example.com
        """);
    assertEquals("applications[0].routes[1].route (line 5)", host.field());
    assertTrue(host.getMessage().contains("not a host name"), host.getMessage());

    InvalidSpecException env = refused("""
        applications:
        - name: shop
          env:
            LIST: [a, b]
        """);
    assertEquals("applications[0].env.LIST (line 4)", env.field());
    assertTrue(env.getMessage().contains("must be text, a number or a boolean"));

    InvalidSpecException version = refused("version: 2\napplications: []\n");
    assertEquals("version (line 1)", version.field());
  }

  @Test
  void structuralMistakesAreErrorsThatNameBothPlaces() {
    InvalidSpecException twice = refused("""
        applications:
        - name: shop
          memory: 256M
          memory: 1G
        """);
    assertEquals("applications[0].memory (line 4)", twice.field());
    assertTrue(twice.getMessage().contains("given twice in one mapping, first on line 3"));

    InvalidSpecException sameName = refused("""
        applications:
        - name: shop
        - name: shop
        """);
    assertEquals("applications[1].name (line 3)", sameName.field());
    assertTrue(sameName.getMessage().contains("on line 2"), sameName.getMessage());

    InvalidSpecException notAList = refused("applications:\n  name: shop\n");
    assertEquals("applications (line 2)", notAList.field());

    InvalidSpecException bothRouteForms = refused("""
        applications:
        - name: shop
          host: shop
          domain: example.com
          routes:
          - route: shop.example.com
        """);
    assertEquals("applications[0].routes (line 5)", bothRouteForms.field());
    assertTrue(bothRouteForms.getMessage().contains("deprecated host"));

    InvalidSpecException twoWebs = refused("""
        applications:
        - name: shop
          processes:
          - type: web
          - type: web
        """);
    assertEquals("applications[0].processes[1].type (line 5)", twoWebs.field());

    InvalidSpecException bothBuildpackKeys = refused("""
        applications:
        - name: shop
          buildpacks: [python_buildpack]
          buildpack: python_buildpack
        """);
    assertEquals("applications[0].buildpack (line 4)", bothBuildpackKeys.field());

    InvalidSpecException rootList = refused("- name: shop\n");
    assertEquals("manifest.yml (line 1)", rootList.field());
  }

  @Test
  void theSpecBuilderTakesTheManifestAndFlagsOverrideIt() {
    Manifest manifest = parse("""
        applications:
        - name: shop
          instances: 2
          memory: 1G
          disk_quota: 2G
          command: ./run --port $PORT
          health-check-type: http
          health-check-http-endpoint: /ready
          timeout: 90
          buildpacks: [nodejs_buildpack]
          env:
            MODE: prod
          routes:
          - route: Shop.Example.com/api
          - route: tcp.example.com:1024
        """);
    ManifestApp app = manifest.apps().get(0);
    assertEquals(List.of("shop.example.com"), app.routes());
    assertTrue(manifest.warnings().contains("applications[0].routes[0].route at line 14: route "
        + "'Shop.Example.com/api' has a path '/api', which PaaSKit does not route by; the app "
        + "gets all of 'Shop.Example.com'"), manifest.warnings().toString());
    assertTrue(manifest.warnings().stream().anyMatch(w -> w.startsWith(
        "applications[0].routes[1].route at line 15: route 'tcp.example.com:1024' is a TCP "
            + "route")));

    AppSpec spec = app.toSpecBuilder().instances(5).env("EXTRA", "1").build();
    assertEquals(5, spec.instances(), "a flag applied afterwards wins");
    assertEquals(ByteSize.parse("memory", "1G"), spec.memory());
    assertEquals(ByteSize.parse("disk", "2G"), spec.disk());
    assertEquals(Optional.of("./run --port $PORT"), spec.command());
    assertEquals(new HealthCheck(HealthCheck.Type.HTTP, "/ready", Duration.ofSeconds(90)),
        spec.healthCheck());
    assertEquals(Optional.of("node"), spec.cartridge());
    assertEquals(Map.of("MODE", "prod", "EXTRA", "1"), spec.env());
    assertEquals(List.of("shop.example.com"), spec.routes());
  }

  @Test
  void theWebProcessFillsOnlyWhatTheAppLeavesOut() {
    Manifest manifest = parse("""
        applications:
        - name: own
          instances: 1
          processes:
          - type: web
            instances: 3
            memory: 2G
            command: web-start
            health-check-type: process
          - type: worker
            instances: 9
        - name: plain
        """);
    AppSpec own = manifest.app("own").orElseThrow().toSpecBuilder().build();
    assertEquals(1, own.instances());
    assertEquals(ByteSize.parse("memory", "2G"), own.memory());
    assertEquals(Optional.of("web-start"), own.command());
    assertEquals(HealthCheck.process(), own.healthCheck());

    AppSpec plain = manifest.app("plain").orElseThrow().toSpecBuilder().build();
    assertEquals(AppSpec.builder("plain").build(), plain, "nothing given keeps the defaults");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "python_buildpack, python",
      "nodejs_buildpack, node",
      "java_buildpack, java",
      "java_buildpack_offline, java",
      "staticfile_buildpack, static",
      "binary_buildpack, procfile",
      "https://github.com/heroku/heroku-buildpack-python, python",
      "https://github.com/heroku/heroku-buildpack-nodejs.git#v170, node",
      "https://github.com/cloudfoundry/java-buildpack.git, java",
      "https://github.com/heroku/heroku-buildpack-php,"
          + "https://github.com/heroku/heroku-buildpack-php",
      "go_buildpack, go_buildpack",
  })
  void buildpacksMapToCartridgesOrKeepTheirName(String buildpack, String cartridge) {
    ManifestApp app = parse("applications:\n- name: a\n  buildpacks: [\"" + buildpack + "\"]\n")
        .apps().get(0);
    assertEquals(Optional.of(cartridge), app.cartridge());
    assertEquals(Optional.of(cartridge), app.toSpecBuilder().build().cartridge());
  }

  @Test
  void legacyFormsAreReadWithDeprecationWarnings() {
    Manifest manifest = parse("""
        memory: 128M
        env:
          SHARED: "1"
        applications:
        - name: a
          disk-quota: 2G
          buildpack: python_buildpack
          hosts: [www, api]
          domains: [example.com, example.org]
          health-check-type: none
        - name: b
          memory: 1G
          domain: example.net
          env:
            OWN: 2
        - name: c
          buildpack: default
          host: lonely
        """);
    ManifestApp a = manifest.app("a").orElseThrow();
    assertEquals(Optional.of(ByteSize.parse("disk", "2G")), a.disk());
    assertEquals(Optional.of("python"), a.cartridge());
    assertEquals(List.of("www.example.com", "api.example.com", "www.example.org",
        "api.example.org"), a.routes());
    assertEquals(Optional.of(HealthCheck.Type.PROCESS), a.healthCheckType());
    assertEquals(Optional.of(ByteSize.ofMegabytes(128)), a.memory());
    assertEquals(Map.of("SHARED", "1"), a.env());

    ManifestApp b = manifest.app("b").orElseThrow();
    assertEquals(Optional.of(ByteSize.parse("memory", "1G")), b.memory());
    assertEquals(List.of("b.example.net"), b.routes(), "a domain alone uses the app's name");
    assertEquals(Map.of("SHARED", "1", "OWN", "2"), b.env());

    ManifestApp c = manifest.app("c").orElseThrow();
    assertEquals(Optional.empty(), c.cartridge(), "buildpack: default means detect");
    assertEquals(List.of(), c.routes());

    List<String> warnings = manifest.warnings();
    assertTrue(warnings.contains("applications[0].buildpack at line 7: deprecated by Cloud "
        + "Foundry; use buildpacks: [...]"), warnings.toString());
    assertTrue(warnings.contains("applications[0].health-check-type at line 10: 'none' is "
        + "deprecated by Cloud Foundry; it means process"), warnings.toString());
    assertTrue(warnings.contains("applications[2].host at line 18: a host without a domain "
        + "makes no route; the app keeps its default route"), warnings.toString());
    assertTrue(warnings.contains("top-level keys memory (line 1), env (line 2) apply to every "
        + "app, a form Cloud Foundry has deprecated; give them under each app instead"),
        warnings.toString());
  }

  @Test
  void aManifestWithoutApplicationsButWithAppKeysIsOneApp() {
    Manifest manifest = parse("name: solo\nmemory: 64M\n");
    assertEquals(1, manifest.apps().size());
    assertEquals(Optional.of("solo"), manifest.apps().get(0).name());
    assertEquals(List.of(), parse("version: 1\n").apps());
    assertEquals(List.of(), parse("# only a comment\n").apps());
  }

  @Test
  void noRouteAndRandomRouteAreKeptForThePushingClient() {
    ManifestApp app = parse("""
        applications:
        - name: quiet
          no-route: true
          random-route: yes
        """).apps().get(0);
    assertTrue(app.noRoute());
    assertTrue(app.randomRoute());
    assertFalse(parse("applications:\n- name: x\n").apps().get(0).noRoute());
  }
}
