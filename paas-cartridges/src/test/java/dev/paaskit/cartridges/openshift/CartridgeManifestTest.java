package dev.paaskit.cartridges.openshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.cartridges.Corpus;
import dev.paaskit.cartridges.openshift.CartridgeManifest.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class CartridgeManifestTest {
  /** The one corpus file that is broken on purpose (see shared/corpus/SOURCES.md). */
  private static final String CONFLICTED = "33d__openshift-jekyll-cartridge__root.manifest.yml";

  static Stream<Path> corpus() {
    return Corpus.files("openshift-cartridges").stream()
        .filter(f -> !f.getFileName().toString().equals(CONFLICTED));
  }

  @Test
  void theCorpusHasThirtyManifestsBesidesTheBrokenOne() throws IOException {
    Path dir = Corpus.folder("openshift-cartridges");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(30, files.filter(f -> !f.getFileName().toString().equals(CONFLICTED)).count(),
          "manifests in " + dir);
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  @ExtendWith(Corpus.Required.class)
  void everyCorpusManifestParses(Path file) throws IOException {
    CartridgeManifest m = CartridgeManifest.parse(Files.readString(file), file.toString());

    assertFalse(m.name().isBlank());
    assertTrue(m.shortName().matches("[A-Z0-9_]+"), m.shortName());
    assertFalse(m.cartridgeVendor().isBlank());
    for (String v : m.versionOverrides().keySet()) {
      if (m.offers(v)) {
        assertEquals(v, m.forVersion(v).version());
      }
    }
    for (Endpoint e : m.endpoints()) {
      assertTrue(e.privatePort() > 0, e.toString());
    }
  }

  @Test
  void conflictMarkersAreRefusedWithTheirLine() throws IOException {
    Path file = Corpus.folder("openshift-cartridges").resolve(CONFLICTED);

    InvalidCartridgeManifestException e = assertThrows(InvalidCartridgeManifestException.class,
        () -> CartridgeManifest.parse(Files.readString(file), file.toString()));

    assertTrue(e.getMessage().contains("line 11 is a git merge-conflict marker"), e.getMessage());
    assertEquals(file.toString(), e.source());
  }

  @Test
  void readsTheRichestManifestAsWritten() throws IOException {
    CartridgeManifest mock = corpusFile("openshift__origin-server__openshift-origin-cartridge-mock");

    assertEquals("mock", mock.name());
    assertEquals("MOCK", mock.shortName());
    assertEquals("0.1", mock.version());
    assertEquals(List.of("0.1", "0.2", "0.3", "0.4"), mock.versions());
    assertEquals("0.0.1", mock.cartridgeVersion());
    assertEquals("redhat", mock.cartridgeVendor());
    assertEquals(List.of("mock-0.1", "mock"), mock.provides());
    assertEquals(new CartridgeManifest.Connector("ENV:*", false), mock.subscribes().get("set-env"));
    assertEquals(new CartridgeManifest.Scaling(1, -1, 1), mock.scaling());
    assertEquals(5, mock.endpoints().size());
    Endpoint first = mock.endpoints().get(0);
    assertEquals("EXAMPLE_IP1", first.privateIpName());
    assertEquals("EXAMPLE_PORT1", first.privatePortName());
    assertEquals(8080, first.privatePort());
    assertEquals(List.of("http", "ws"), first.protocols());
    assertEquals(Map.of("primary", "true"), first.options());
    assertEquals(3, first.mappings().size());
    assertEquals(Map.of("health", "true"), first.mappings().get(2).options());
    assertEquals(first, mock.publicEndpoint().orElseThrow());
    assertFalse(mock.installBuildRequired());

    CartridgeManifest three = mock.forVersion("0.3");
    assertEquals("Mock Cartridge 0.3", three.displayName());
    assertTrue(three.installBuildRequired());
    assertEquals(1, three.endpoints().size());
    assertEquals(8123, three.endpoints().get(0).privatePort());
    assertEquals("redhat", three.cartridgeVendor());
    assertThrows(IllegalArgumentException.class, () -> mock.forVersion("9.9"));
  }

  @Test
  void acceptsTheShapesRealManifestsUse() throws IOException {
    CartridgeManifest go = corpusFile("Abextm__openshift-go-cart__root");
    assertEquals("1.5.1", go.version());
    assertEquals("1.0.3", go.versions().get(go.versions().size() - 1));
    CartridgeManifest postgres = corpusFile("CrunchyData__openshift-postgres-cartridge__root");
    assertEquals(List.of("-postgresql"), postgres.endpoints().get(0).protocols());
    CartridgeManifest keycloak = corpusFile("Download__openshift-keycloak-cartridge__root");
    assertTrue(keycloak.sourceUrl().endsWith("master.zip"), keycloak.sourceUrl());
    CartridgeManifest cron = corpusFile("openshift__origin-server__openshift-origin-cartridge-cron");
    assertEquals("STRING:jobs", cron.publishes().get("get-job-listing").type());
    assertFalse(cron.groupOverrides().isEmpty());
    CartridgeManifest ews = corpusFile("openshift__origin-server__openshift-origin-cartridge-jbossews");
    assertEquals(List.of("threaddump"), ews.additionalControlActions());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Name", "Cartridge-Short-Name", "Version", "Cartridge-Version",
      "Cartridge-Vendor"})
  void aMissingRequiredFieldIsNamed(String field) {
    String yaml = minimal().replaceAll("(?m)^" + field + ":.*\n", "");

    InvalidCartridgeManifestException e = assertThrows(InvalidCartridgeManifestException.class,
        () -> CartridgeManifest.parse(yaml, "https://example.test/manifest.yml"));

    assertEquals(field, e.field());
    assertTrue(e.getMessage().startsWith("https://example.test/manifest.yml: " + field
        + ": required field missing"), e.getMessage());
  }

  @Test
  void badShapesNameTheirField() {
    assertField("Endpoints[0].Private-Port", minimal()
        + "Endpoints:\n- Private-IP-Name: IP\n  Private-Port-Name: PORT\n  Private-Port: http\n");
    assertField("Cartridge-Short-Name", minimal().replace("SHORT: X", "").replace(
        "Cartridge-Short-Name: DEMO", "Cartridge-Short-Name: DE-MO"));
    assertField("Source-Sha256", minimal() + "Source-Sha256: abc\n");
    assertField("Install-Build-Required", minimal() + "Install-Build-Required: maybe\n");
    assertField("", "- just\n- a list\n");
    assertField("", "Name: [unclosed\n");
  }

  @Test
  void unquotedNumbersKeepTheirText() {
    CartridgeManifest m = CartridgeManifest.parse(minimal().replace("Version: '1.0'",
        "Version: 0.10\nVersions: [0.10, 2]"), "t");
    assertEquals("0.10", m.version());
    assertEquals(List.of("0.10", "2"), m.versions());
  }

  private static void assertField(String field, String yaml) {
    InvalidCartridgeManifestException e = assertThrows(InvalidCartridgeManifestException.class,
        () -> CartridgeManifest.parse(yaml, "t"));
    assertEquals(field, e.field(), e.getMessage());
  }

  static String minimal() {
    return "Name: demo\nCartridge-Short-Name: DEMO\nVersion: '1.0'\nCartridge-Version: 0.0.1\n"
        + "Cartridge-Vendor: acme\n";
  }

  private static CartridgeManifest corpusFile(String stem) throws IOException {
    Path file = Corpus.folder("openshift-cartridges").resolve(stem + ".manifest.yml");
    return CartridgeManifest.parse(Files.readString(file), file.toString());
  }
}
