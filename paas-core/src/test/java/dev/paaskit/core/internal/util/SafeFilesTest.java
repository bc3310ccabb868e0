package dev.paaskit.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links planted in a folder untrusted code writes never carry the server's writes or reads out. */
class SafeFilesTest {
  @TempDir Path tmp;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesAppendsAndReadsPlainFiles() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home/app-root/runtime"));
    SafeFiles.write(tmp.resolve("home"), "app-root/runtime/cart-data", bytes("a\n"), true);
    SafeFiles.write(tmp.resolve("home"), "app-root/runtime/cart-data", bytes("b\n"), true);
    assertEquals("a\nb\n", Files.readString(home.resolve("cart-data")));
    SafeFiles.writeAtomically(tmp.resolve("home"), "app-root/runtime/request", bytes("restart"));
    assertArrayEquals(bytes("restart"),
        SafeFiles.read(tmp.resolve("home"), "app-root/runtime/request", 100));
  }

  @Test
  void aFolderOnTheWayThatIsALinkIsRefused() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("etc-cron"));
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.createSymbolicLink(home.resolve(".env"), outside);

    IOException e = assertThrows(IOException.class,
        () -> SafeFiles.writeAtomically(home, ".env/EVIL", bytes("* * * * * root sh")));
    assertTrue(e.getMessage().contains(".env/EVIL"), e.getMessage());
    assertThrows(IOException.class, () -> SafeFiles.write(home, ".env/EVIL", bytes("x"), true));
    try (var files = Files.list(outside)) {
      assertEquals(0, files.count(), "nothing written through the link");
    }
  }

  @Test
  void aLinkInTheFilesPlaceIsReplacedByAnAtomicWriteAndRefusedByAnAppend() throws IOException {
    Path target = Files.writeString(tmp.resolve("shadow"), "root:secret");
    Path home = Files.createDirectories(tmp.resolve("home/.openshift-gear"));
    Files.createSymbolicLink(home.resolve("supervisor"), target);
    Files.createSymbolicLink(home.resolve("cart-data"), target);

    SafeFiles.writeAtomically(tmp.resolve("home"), ".openshift-gear/supervisor",
        bytes("script"));
    assertThrows(IOException.class, () -> SafeFiles.write(tmp.resolve("home"),
        ".openshift-gear/cart-data", bytes("x"), true));

    assertEquals("root:secret", Files.readString(target), "the link's target is untouched");
    assertFalse(Files.isSymbolicLink(home.resolve("supervisor")));
    assertEquals("script", Files.readString(home.resolve("supervisor")));
  }

  @Test
  void aReadOfALinkOrAnOversizedFileIsRefused() throws IOException {
    Path secret = Files.writeString(tmp.resolve("admin-token"), "s3cret");
    Path build = Files.createDirectories(tmp.resolve("build"));
    Files.createSymbolicLink(build.resolve("Procfile"), secret);
    Files.writeString(build.resolve("big"), "x".repeat(200));

    IOException link = assertThrows(IOException.class,
        () -> SafeFiles.read(build, "Procfile", 1000));
    assertFalse(link.getMessage().contains("s3cret"), link.getMessage());
    assertThrows(IOException.class, () -> SafeFiles.read(build, "big", 100));
    assertThrows(IllegalArgumentException.class, () -> SafeFiles.read(build, "../admin-token",
        100));
  }
}
