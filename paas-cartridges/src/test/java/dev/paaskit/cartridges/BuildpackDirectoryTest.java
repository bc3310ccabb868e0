package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.CartridgeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class BuildpackDirectoryTest {
  @TempDir Path temp;

  private static List<String> names(CartridgeSource source) {
    return source.cartridges().stream().map(Cartridge::name).toList();
  }

  @Test
  void holdsEachBuildpackFolderByNameInNameOrderSkippingFilesAndDotFolders() throws IOException {
    Path dir = temp.resolve("buildpacks");
    BuildpackTest.buildpack(dir, "zeta", BuildpackTest.DETECT, BuildpackTest.COMPILE, null);
    BuildpackTest.buildpack(dir, "alpha", BuildpackTest.DETECT, BuildpackTest.COMPILE,
        BuildpackTest.RELEASE);
    Files.createDirectories(dir.resolve(".cache"));
    TestSupport.write(dir.resolve("README.md"), "buildpacks\n");

    BuildpackDirectory source = BuildpackDirectory.open(dir);

    assertEquals(List.of("alpha", "zeta"), names(source));
    assertEquals(Optional.of("alpha"), source.find("alpha").map(Cartridge::name));
    assertEquals(Optional.empty(), source.find("beta"));
  }

  @Test
  void aFolderThatIsNotABuildpackOrAMissingFolderIsRefused() throws IOException {
    Path dir = temp.resolve("buildpacks");
    BuildpackTest.buildpack(dir, "good", BuildpackTest.DETECT, BuildpackTest.COMPILE, null);
    Files.createDirectories(dir.resolve("half/bin"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BuildpackDirectory.open(dir));
    assertTrue(e.getMessage().contains(dir.resolve("half") + " has no bin/detect"), e.getMessage());
    assertThrows(NotDirectoryException.class, () -> BuildpackDirectory.open(temp.resolve("none")));
  }

  @Test
  void concatListsEarlierSourcesFirstAndAnEarlierNameHidesALaterOne() throws IOException {
    Path dir = temp.resolve("buildpacks");
    BuildpackTest.buildpack(dir, "python", BuildpackTest.DETECT, BuildpackTest.COMPILE, null);
    BuildpackTest.buildpack(dir, "hello", BuildpackTest.DETECT, BuildpackTest.COMPILE, null);
    BuiltinCartridges builtins = BuiltinCartridges.create();

    CartridgeSource both = CartridgeSources.concat(builtins, BuildpackDirectory.open(dir));

    assertEquals(List.of("python", "node", "java", "static", "procfile", "hello"), names(both));
    assertSame(builtins.find("python").orElseThrow(), both.find("python").orElseThrow());
    assertEquals(Optional.of("hello"), both.find("hello").map(Cartridge::name));
    assertEquals(Optional.empty(), both.find("ruby"));
  }
}
