package dev.paaskit.generic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CodeArchivesTest {
  @TempDir Path dir;
  private final CodeArchives archives = new CodeArchives(ArchiveLimits.defaults());

  @Test
  void aSingleTopFolderIsFlattened() throws IOException {
    Path zip = zip(List.of("app/init.sh", "app/run.sh", "app/interrupt.sh", "app/cleanup.sh",
        "app/notify.sh", "app/lib/helper.txt"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    archives.normalise(zip, dir.resolve("work"), out);

    Path unpacked = ArchiveExtractor.create(ArchiveLimits.defaults())
        .extractTarGz(new ByteArrayInputStream(out.toByteArray()), dir);
    assertTrue(Files.isRegularFile(unpacked.resolve("init.sh")));
    assertTrue(Files.isRegularFile(unpacked.resolve("lib/helper.txt")));
    assertFalse(Files.exists(unpacked.resolve("app")));
    try (Stream<Path> left = Files.list(dir.resolve("work"))) {
      assertEquals(List.of(), left.toList(), "the check leaves nothing behind");
    }
  }

  @Test
  void everyMissingScriptIsNamed() throws IOException {
    Path zip = zip(List.of("run.sh", "notify.sh", "README"));
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> archives.normalise(zip, dir.resolve("work"), OutputStream.nullOutputStream()));
    assertTrue(e.getMessage().contains("lacks init.sh, interrupt.sh, cleanup.sh:"), e.getMessage());
  }

  @Test
  void anEntryLeavingItsFolderIsRefusedByTheUploadRules() throws IOException {
    Path zip = zip(List.of("init.sh", "run.sh", "interrupt.sh", "cleanup.sh", "notify.sh",
        "../escape.sh"));
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> archives.normalise(zip, dir.resolve("work"), OutputStream.nullOutputStream()));
    assertEquals("../escape.sh", e.entry());
    assertFalse(Files.exists(dir.resolve("escape.sh")));
  }

  private Path zip(List<String> names) throws IOException {
    Path zip = Files.createTempFile(dir, "code-", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (String name : names) {
        out.putNextEntry(new ZipEntry(name));
        out.write(("echo " + name + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return zip;
  }
}
