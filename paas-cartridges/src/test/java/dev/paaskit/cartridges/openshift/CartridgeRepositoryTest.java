package dev.paaskit.cartridges.openshift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.cartridges.openshift.CartridgeRepository.Installed;
import dev.paaskit.core.internal.archive.TarGzWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class CartridgeRepositoryTest {
  @TempDir Path tmp;

  static Path cartridge(Path dir, String vendor, String name, String version,
      String versions, String cartridgeVersion) throws IOException {
    Files.createDirectories(dir.resolve("metadata"));
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve(CartridgeRepository.MANIFEST), "Name: " + name
        + "\nCartridge-Short-Name: " + name.toUpperCase() + "\nVersion: '" + version
        + "'\nVersions: " + versions + "\nCartridge-Version: " + cartridgeVersion
        + "\nCartridge-Vendor: " + vendor + "\n");
    Files.writeString(dir.resolve(CartridgeRepository.CONTROL), "#!/bin/sh\nexit 0\n");
    return dir;
  }

  @Test
  void selectsTheLatestOfWhatIsNotGivenComparingNumerically() throws IOException {
    CartridgeRepository repo = CartridgeRepository.open(tmp.resolve("repo"));
    repo.install(cartridge(tmp.resolve("a"), "acme", "web", "1.9", "['1.9', '1.10']", "0.0.9"));
    repo.install(cartridge(tmp.resolve("b"), "acme", "web", "1.9", "['1.9']", "0.0.10"));
    repo.install(cartridge(tmp.resolve("c"), "other", "web", "1.2", "['1.2']", "5.0.0"));

    Installed latest = repo.select(Optional.empty(), "web", Optional.empty(), Optional.empty())
        .orElseThrow();
    assertEquals("0.0.9", latest.manifest().cartridgeVersion());
    assertEquals("1.10", latest.manifest().version());

    Installed nine = repo.select(Optional.of("acme"), "web", Optional.of("1.9"), Optional.empty())
        .orElseThrow();
    assertEquals("0.0.10", nine.manifest().cartridgeVersion());
    assertEquals(tmp.resolve("repo/acme/web/0.0.10"), nine.dir());

    assertEquals("other", repo.select(Optional.empty(), "web", Optional.of("1.2"),
        Optional.empty()).orElseThrow().manifest().cartridgeVendor());
    assertTrue(repo.select(Optional.empty(), "web", Optional.of("3"), Optional.empty()).isEmpty());
    assertTrue(repo.select(Optional.empty(), "nope", Optional.empty(), Optional.empty()).isEmpty());
    assertEquals(3, repo.list().size());
  }

  @Test
  void eraseRemovesOneVersionAndItsEmptyFolders() throws IOException {
    CartridgeRepository repo = CartridgeRepository.open(tmp.resolve("repo"));
    repo.install(cartridge(tmp.resolve("a"), "acme", "web", "1", "['1']", "1.0.0"));
    repo.install(cartridge(tmp.resolve("b"), "acme", "web", "1", "['1']", "1.0.1"));

    assertTrue(repo.erase("acme", "web", "1.0.1"));
    assertFalse(repo.erase("acme", "web", "1.0.1"));
    assertEquals("1.0.0", repo.select(Optional.empty(), "web", Optional.empty(), Optional.empty())
        .orElseThrow().manifest().cartridgeVersion());
    assertTrue(repo.erase("acme", "web", "1.0.0"));
    assertEquals(List.of(), repo.list());
    assertEquals(List.of(), listing(tmp.resolve("repo")));
  }

  @Test
  void aFolderWithoutControlOrManifestLeavesNothing() throws IOException {
    CartridgeRepository repo = CartridgeRepository.open(tmp.resolve("repo"));
    Path noControl = cartridge(tmp.resolve("a"), "acme", "web", "1", "['1']", "1.0.0");
    Files.delete(noControl.resolve(CartridgeRepository.CONTROL));
    InvalidCartridgeManifestException e = assertThrows(InvalidCartridgeManifestException.class,
        () -> repo.install(noControl));
    assertTrue(e.getMessage().contains("no bin/control"), e.getMessage());

    Path empty = Files.createDirectories(tmp.resolve("empty/src"));
    Files.writeString(empty.resolve("README"), "hi");
    e = assertThrows(InvalidCartridgeManifestException.class, () -> repo.install(empty));
    assertTrue(e.getMessage().contains("no metadata/manifest.yml")
        && e.getMessage().contains("README"), e.getMessage());
    assertEquals(List.of(), listing(tmp.resolve("repo")));
  }

  @Test
  void installsFromATarGzAndKeepsAnInstalledVersion() throws IOException {
    CartridgeRepository repo = CartridgeRepository.open(tmp.resolve("repo"));
    Path src = cartridge(tmp.resolve("a"), "acme", "web", "1", "['1']", "1.0.0");
    ByteArrayOutputStream tgz = new ByteArrayOutputStream();
    TarGzWriter.create().write(src, tgz);

    Installed installed = repo.install(new ByteArrayInputStream(tgz.toByteArray()));
    assertTrue(Files.isExecutable(installed.dir().resolve("bin/control")));
    Files.writeString(src.resolve("bin/extra"), "x");
    Installed again = repo.install(src);
    assertEquals(installed.dir(), again.dir());
    assertFalse(Files.exists(again.dir().resolve("bin/extra")));
    assertEquals(List.of("acme"), listing(tmp.resolve("repo")));
  }

  @Test
  void versionsCompareNumerically() {
    assertTrue(VersionOrder.compare("0.0.10", "0.0.9") > 0);
    assertTrue(VersionOrder.compare("1.10", "1.9") > 0);
    assertTrue(VersionOrder.compare("1.0.1", "1.0") > 0);
    assertEquals(0, VersionOrder.compare("01.2", "1.2"));
    assertTrue(VersionOrder.compare("2.0", "2.0-beta") < 0 || VersionOrder.compare("2.0", "2.0-beta") > 0);
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
