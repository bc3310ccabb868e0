package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.HealthCheck;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real manifest of the shared corpus parses, and a few say exactly what they should. */
@Timeout(30)
class ManifestCorpusTest {
  private static final String CF = "cloudfoundry-manifests";
  private static final String STACKATO = "stackato";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\(\\(([^()]+)\\)\\)");

  private final ManifestParser parser = ManifestParser.create();

  static List<Path> cloudFoundryFiles() {
    return Corpus.files(CF);
  }

  static List<Path> stackatoFiles() {
    return Corpus.files(STACKATO);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cloudFoundryFiles")
  @ExtendWith(Corpus.Required.class)
  void everyCloudFoundryManifestParses(Path file) throws IOException {
    Manifest manifest = parser.parseCloudFoundry(file, placeholderVars(file));
    assertEquals(file.toString(), manifest.source());
    checkEveryAppMaps(manifest);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stackatoFiles")
  @ExtendWith(Corpus.Required.class)
  void everyStackatoFileParses(Path file) throws IOException {
    Manifest manifest = parser.parseStackato(file);
    assertEquals(1, manifest.apps().size(), manifest.toString());
    assertTrue(manifest.apps().get(0).name().isPresent(), "every corpus stackato.yml has a name");
    checkEveryAppMaps(manifest);
  }

  /**
   * Each app fills a builder that builds, unless the parser warned that an env name cannot be
   * used; then build() refuses that name.
   */
  private static void checkEveryAppMaps(Manifest manifest) {
    boolean badEnvName = manifest.warnings().stream().anyMatch(w -> w.contains("will refuse"));
    for (ManifestApp app : manifest.apps()) {
      AppSpec.Builder builder = app.toSpecBuilder();
      if (app.name().isEmpty()) {
        builder.name("from-folder");
      }
      if (badEnvName) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, builder::build);
        assertEquals("env", e.field());
      } else {
        assertDoesNotThrow(builder::build, () -> "app " + app);
      }
    }
  }

  /** A value for each {@code ((name))} of the file, so that files with placeholders parse. */
  private static Map<String, Object> placeholderVars(Path file) throws IOException {
    Map<String, Object> vars = new LinkedHashMap<>();
    Matcher m = PLACEHOLDER.matcher(Files.readString(file, StandardCharsets.UTF_8));
    while (m.find()) {
      vars.put(m.group(1), m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
    }
    return vars;
  }

  private Manifest cf(String name) throws IOException {
    return parser.parseCloudFoundry(Corpus.file(CF, name), Map.of());
  }

  private Manifest stackato(String name) throws IOException {
    return parser.parseStackato(Corpus.file(STACKATO, name));
  }

  private static ManifestApp only(Manifest manifest) {
    assertEquals(1, manifest.apps().size(), manifest.toString());
    return manifest.apps().get(0);
  }

  private static void assertWarned(Manifest manifest, String... parts) {
    assertTrue(manifest.warnings().stream().anyMatch(w -> List.of(parts).stream()
        .allMatch(w::contains)), () -> "no warning with " + List.of(parts) + " in "
        + manifest.warnings());
  }

  @Test
  void springMusicHasRandomRouteAJarPathAndQuotedEnv() throws IOException {
    ManifestApp app = only(cf("scottfrederick__spring-music__manifest.yml"));
    assertEquals(Optional.of("spring-music"), app.name());
    assertEquals(Optional.of(ByteSize.parse("memory", "1G")), app.memory());
    assertTrue(app.randomRoute());
    assertEquals(Optional.of("build/libs/spring-music-1.0.jar"), app.path());
    assertEquals(Map.of("JBP_CONFIG_SPRING_AUTO_RECONFIGURATION", "{enabled: false}"), app.env());
  }

  @Test
  void mergeKeysOfTheCliFixtureGiveEachAppTheAnchorsValues() throws IOException {
    Manifest manifest = cf("cloudfoundry__cli__fixtures__manifests__merge-manifest.yml");
    assertEquals(3, manifest.apps().size());
    for (String name : List.of("blue", "green")) {
      ManifestApp app = manifest.app(name).orElseThrow();
      assertEquals(Optional.of(ByteSize.ofMegabytes(256)), app.memory(), name);
      assertEquals(Optional.of(1), app.instances(), name);
    }
    assertEquals(Optional.of(3), manifest.app("big-blue").orElseThrow().instances());
    assertEquals(Optional.of(ByteSize.ofMegabytes(256)),
        manifest.app("big-blue").orElseThrow().memory());
    assertTrue(manifest.warnings().contains("unknown key 'app_types' at line 2, ignored"),
        manifest.warnings().toString());
  }

  @Test
  void legacyHostAndDomainMakeARouteWithADeprecationWarning() throws IOException {
    Manifest manifest = cf("cloudfoundry__cli__cf__manifest__example_manifest.yml");
    ManifestApp app = only(manifest);
    assertEquals(List.of("hello.app.example.com"), app.routes());
    assertEquals(Optional.of("path/to/app"), app.path());
    assertWarned(manifest, "deprecated", "line 6");
  }

  @Test
  void topLevelAttributesApplyToEveryApp() throws IOException {
    Manifest manifest = cf("cloudfoundry__cli__fixtures__manifests__base-manifest.yml");
    ManifestApp app = only(manifest);
    assertEquals(Map.of("foo", "bar", "will-be-overridden", "baz"), app.env());
    assertEquals(List.of("base-service"), app.services());
    assertWarned(manifest, "top-level keys env (line 2), services (line 5) apply to every app");
    assertWarned(manifest, "'will-be-overridden'", "line 4", "will refuse");
  }

  @Test
  void inheritWarnsNamingItsLineAndTheAppKeepsItsOwnKeys() throws IOException {
    Manifest manifest = cf("cloudfoundry__cli__fixtures__manifests__inherited-manifest.yml");
    ManifestApp app = only(manifest);
    assertWarned(manifest, "inherit at line 2: not supported", "base-manifest.yml");
    assertEquals(Map.of("will-be-overridden", "my-value"), app.env());
    assertEquals(List.of("foo-service"), app.services());
  }

  @Test
  void processesOfTheSchemaStoreSampleDriveTheSpec() throws IOException {
    Manifest manifest =
        cf("SchemaStore__schemastore__src__test__cloudfoundry-application-manifest__test-1.yml");
    ManifestApp app = only(manifest);
    assertEquals(List.of("web", "worker"),
        app.processes().stream().map(ManifestProcess::type).toList());
    assertEquals(List.of("my-service1", "my-service2", "my-service-with-arbitrary-params"),
        app.services());
    assertEquals(List.of("route.example.com", "another-route.example.com"), app.routes());
    assertEquals(List.of("ruby_buildpack", "java_buildpack"), app.buildpacks());
    assertEquals(Optional.of("java"), app.cartridge());

    AppSpec spec = app.toSpecBuilder().build();
    assertEquals(3, spec.instances());
    assertEquals(ByteSize.ofMegabytes(500), spec.memory());
    assertEquals(ByteSize.ofMegabytes(512), spec.disk());
    assertEquals(Optional.of("start-web.sh"), spec.command());
    assertEquals(new HealthCheck(HealthCheck.Type.HTTP, "/healthcheck", Duration.ofSeconds(10)),
        spec.healthCheck());
    assertEquals(Optional.of("java"), spec.cartridge());

    assertEquals("cflinuxfs4", spec.placement().stack(), "stack: is the placement's stack");
    assertEquals(Map.of("sensitive", "true"), spec.labels(), "metadata.labels are the labels");
    assertWarned(manifest, "key 'annotations' in applications[0].metadata at line 26");
    assertWarned(manifest, "key 'readiness-health-check-type' in applications[0].processes[0]");
    assertWarned(manifest, "applications[0].routes[1].protocol at line 15: 'http2'");
    assertWarned(manifest, "the last buildpack 'java_buildpack'", "ruby_buildpack not used");
  }

  @Test
  void routeOptionsTakeTheirHostsFromVars() throws IOException {
    Path file = Corpus.file(CF,
        "cloudfoundry__cf-acceptance-tests__assets__dora__route_options_manifest.yml");
    Map<String, Object> vars = Map.of("roundrobinhost", "rr", "leastconnhost", "lc",
        "hashbasedroutinghost", "hash", "domain", "apps.example.org");
    ManifestApp app = only(parser.parseCloudFoundry(file, vars));
    assertEquals(List.of("rr.apps.example.org", "lc.apps.example.org", "hash.apps.example.org"),
        app.routes());

    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry(file, Map.of("roundrobinhost", "rr")));
    assertEquals("applications[0].routes[0].route (line 5)", e.field());
    assertEquals("((domain))", e.value());
    assertTrue(e.getMessage().contains("variable 'domain' is not defined"), e.getMessage());
  }

  @Test
  void stackatoHybridManifestsGiveHooksEnvDefaultsAndNamedServices() throws IOException {
    Manifest drupal = cf("Stackato-Apps__drupal__manifest.yml");
    ManifestApp app = only(drupal);
    assertEquals(List.of("drupal-db", "drupal-fs"), app.services());
    assertEquals(new Hooks(List.of(), List.of("sh stackato-setup.sh",
        "sh stackato-sso-workaround.sh"), List.of("python vcap-workaround.py")), app.hooks());
    assertEquals(Optional.of("https://github.com/heroku/heroku-buildpack-php#v82"),
        app.cartridge());
    assertWarned(drupal, "key 'cron' in applications[0].stackato at line 12 is not supported");

    ManifestApp errbit = only(cf("Stackato-Apps__errbit__manifest.yml"));
    assertEquals(Map.of("USE_ENV", "1"), errbit.env());
    assertEquals(Optional.of(Duration.ofSeconds(180)), errbit.timeout());
    assertEquals(List.of("$(echo \"Errbit::Application.config.secret_token = "
            + "'$(bundle exec rake secret)'\" > config/initializers/__secret_token.rb)",
        "bundle exec rake db:seed", "bundle exec rake errbit:demo"), errbit.hooks().postStaging());
  }

  @Test
  void appsWithoutANameParseAndTakeOneLater() throws IOException {
    Manifest manifest = cf("cloudfoundry__cf-acceptance-tests__assets__tcp-listener__manifest.yml");
    ManifestApp app = only(manifest);
    assertEquals(Optional.empty(), app.name());
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> app.toSpecBuilder().build());
    assertEquals("name", e.field());
    assertEquals("tcp-listener", app.toSpecBuilder().name("tcp-listener").build().name());

    Manifest cnb = cf("cloudfoundry__cf-acceptance-tests__assets__cnb-node__manifest.yml");
    assertWarned(cnb, "key 'lifecycle' in applications[0] at line 3 is not supported");
  }

  @Test
  void buildpacksMapToCartridges() throws IOException {
    Manifest proxy =
        cf("cloudfoundry__cf-acceptance-tests__assets__proxy__internal-route-manifest.yml");
    ManifestApp app = only(proxy);
    assertEquals(Optional.of("go_buildpack"), app.cartridge());
    assertEquals(Optional.of(ByteSize.ofMegabytes(32)), app.disk());
    assertEquals(List.of("app-smoke.apps.internal"), app.routes());
    assertWarned(proxy, "applications[0].buildpack at line 6: deprecated");

    ManifestApp crash =
        only(cf("cloudfoundry__cf-acceptance-tests__assets__python-crash-app__manifest.yml"));
    assertEquals(Optional.of("python"), crash.cartridge());
    assertEquals(Optional.of(3), crash.instances());
  }

  @Test
  void aWorkerOnlyAppHasNoWebCommand() throws IOException {
    ManifestApp catnip =
        only(cf("cloudfoundry__cf-acceptance-tests__assets__catnip__manifest.yml"));
    assertEquals(Optional.empty(), catnip.webProcess());
    assertEquals(Optional.of("start-worker.sh"), catnip.processes().get(0).command());
    assertEquals(Optional.empty(), catnip.toSpecBuilder().build().command());
  }

  @Test
  void theEmptyManifestHasNoAppsAndSaysSo() throws IOException {
    Manifest manifest = cf("cloudfoundry__cli__fixtures__manifests__empty-manifest.yml");
    assertEquals(List.of(), manifest.apps());
    assertWarned(manifest, "is empty");
  }

  @Test
  void aMalformedCorpusFileFailsNamingTheLineAndTheConflict() {
    Path file = Corpus.file("openshift-cartridges",
        "33d__openshift-jekyll-cartridge__root.manifest.yml");
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry(file, Map.of()));
    assertTrue(e.field().startsWith(file + " (line 1"), e.field());
    assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    assertTrue(e.getMessage().contains("line 11 looks like an unresolved git merge conflict"),
        e.getMessage());
  }

  @Test
  void stackatoWebProcessMemoryServicesHooksAndIgnores() throws IOException {
    Manifest wiki = stackato("Stackato-Apps__Smallest-Federated-Wiki__stackato.yml");
    ManifestApp app = only(wiki);
    assertEquals(Optional.of("(cd server/express; NODE_ENV=production ./bin/server.js -p $PORT "
        + "-u \"$URL\")"), app.command());
    assertEquals(Optional.of(ByteSize.ofMegabytes(256)), app.memory());
    assertEquals(List.of("fedwiki-fs"), app.services());
    assertEquals(List.of("ln -s $STACKATO_FILESYSTEM data"), app.hooks().preRunning());
    assertEquals(List.of(), app.ignores());
    assertEquals(Optional.of("node"), app.cartridge());
    assertEquals(Map.of("URL", "http://fedwiki.stacka.to/"), app.env());
  }

  @Test
  void stackatoHooksAsPlainStringsAndServicesInTheOlderOrder() throws IOException {
    ManifestApp bugzilla = only(stackato("Stackato-Apps__bugzilla__stackato.yml"));
    assertEquals(new Hooks(List.of(), List.of("perl setup.pl"), List.of("env")),
        bugzilla.hooks());
    assertEquals(List.of("mysql-bugzilla"), bugzilla.services());
    assertEquals(List.of("bugzilla"), bugzilla.ignores());
    assertEquals(Optional.of(ByteSize.ofMegabytes(128)), bugzilla.memory());
    assertEquals(Optional.of("perl"), bugzilla.cartridge());
  }

  @Test
  void stackatoWithoutAWebProcessRunsItsCommandWithoutARoute() throws IOException {
    Manifest celery = stackato("Stackato-Apps__celery-examples__stackato.yml");
    ManifestApp app = only(celery);
    assertEquals(Optional.of("celery worker"), app.command());
    assertTrue(app.noRoute());
    assertEquals(HealthCheck.Type.PROCESS, app.toSpecBuilder().build().healthCheck().type());
    assertEquals(List.of(".git"), app.ignores());
    assertEquals(List.of("celery-examples-mq"), app.services());
    assertEquals(Optional.of("python"), app.cartridge());
    assertWarned(celery, "key 'runtime' in framework at line 5 is not supported");
  }

  @Test
  void stackatoFlowListIgnoresPlainMemoryAndClientHooks() throws IOException {
    assertEquals(List.of("node_modules", ".git"),
        only(stackato("Stackato-Apps__etherpad-lite__stackato.yml")).ignores());

    Manifest owncloud = stackato("Stackato-Apps__owncloud-core__stackato.yml");
    ManifestApp app = only(owncloud);
    assertEquals(Optional.of(ByteSize.ofMegabytes(128)), app.memory());
    assertEquals(Optional.of(1), app.instances());
    assertEquals(List.of("mkdir $STACKATO_FILESYSTEM/data"), app.hooks().postStaging());
    assertWarned(owncloud, "key 'pre-push' in hooks at line 10 is not supported");

    ManifestApp logstash = only(stackato("Stackato-Apps__logstash__stackato.yml"));
    assertEquals(List.of("python run.py"), logstash.hooks().preStaging());
    assertEquals(Optional.of("java -jar logstash-1.1.13-flatjar.jar agent -f logstash.conf"),
        logstash.command());
    assertEquals(List.of("search", "port"), logstash.services());

    ManifestApp java = only(stackato("Stackato-Apps__hello-java-mysql__stackato.yml"));
    assertEquals(Optional.of("target/zjava-mysql-1.0"), java.path());
    assertEquals(List.of("hello-java-mysql-db"), java.services());
    assertFalse(java.noRoute());
  }
}
