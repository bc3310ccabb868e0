package dev.paaskit.core.internal.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class ArchiveExtractorTest {
  @TempDir Path temp;
  private Path uploads;
  private Path parent;
  /** Where an escaping entry would land if the extractor let it: must stay empty. */
  private Path outside;
  private final ArchiveExtractor extractor = ArchiveExtractor.create(ArchiveLimits.defaults());

  @BeforeEach
  void setUp() throws IOException {
    uploads = Files.createDirectory(temp.resolve("uploads"));
    parent = Files.createDirectory(temp.resolve("work"));
    outside = Files.createDirectory(temp.resolve("outside"));
  }

  private interface Hostile {
    Path build(Path uploads) throws IOException;
  }

  static Stream<Arguments> hostileArchives() {
    String absolute = "/tmp/paaskit-evil-" + UUID.randomUUID();
    return Stream.of(
        hostile("tar zip-slip", "../evil", "climbs out",
            up -> TestArchives.entries().file("ok.txt", "fine").file("../evil", "x")
                .tar(up.resolve("a.tar"))),
        hostile("zip zip-slip", "../evil", "climbs out",
            up -> TestArchives.entries().file("../evil", "x").zip(up.resolve("a.zip"))),
        hostile("tar.gz slip after a folder", "a/../../evil", "climbs out",
            up -> TestArchives.entries().dir("a/").file("a/../../evil", "x")
                .tarGz(up.resolve("a.tgz"))),
        hostile("tar absolute path", absolute, "absolute path",
            up -> TestArchives.entries().file(absolute, "x").tar(up.resolve("a.tar"))),
        hostile("zip absolute path", absolute, "absolute path",
            up -> TestArchives.entries().file(absolute, "x").zip(up.resolve("a.zip"))),
        hostile("tar symlink to /etc then a file through it", "etc", "leads outside",
            up -> TestArchives.entries().symlink("etc", "/etc").file("etc/paaskit-evil", "x")
                .tar(up.resolve("a.tar"))),
        hostile("tar symlink outside then a file through it", "out", "leads outside",
            up -> TestArchives.entries().symlink("out", up.resolveSibling("outside").toString())
                .file("out/evil", "x").tar(up.resolve("a.tar"))),
        hostile("tar relative symlink climbing out", "sub/up", "leads outside",
            up -> TestArchives.entries().dir("sub/").symlink("sub/up", "../../outside")
                .tar(up.resolve("a.tar"))),
        hostile("tar symlinks chained to escape", "x", "through other symlinks",
            up -> TestArchives.entries().dir("a/").symlink("a/l", "..").symlink("x", "a/l/..")
                .tar(up.resolve("a.tar"))),
        hostile("tar file through a symlink that stays inside", "l/f", "passes through symlink",
            up -> TestArchives.entries().dir("d/").symlink("l", "d").file("l/f", "x")
                .tar(up.resolve("a.tar"))),
        hostile("zip symlink to /etc", "etc", "leads outside",
            up -> TestArchives.entries().symlink("etc", "/etc").zip(up.resolve("a.zip"))),
        hostile("tar hard link climbing out", "hl", "leads outside",
            up -> TestArchives.entries().hardLink("hl", "../../etc/passwd")
                .tar(up.resolve("a.tar"))),
        hostile("tar hard link to an absolute path", "hl", "leads outside",
            up -> TestArchives.entries().hardLink("hl", "/etc/passwd").tar(up.resolve("a.tar"))),
        hostile("tar hard link to a symlink", "hl", "not an earlier file",
            up -> TestArchives.entries().file("f", "x").symlink("s", "f").hardLink("hl", "s")
                .tar(up.resolve("a.tar"))),
        hostile("tar fifo", "pipe", "fifo entries are not allowed",
            up -> TestArchives.entries().file("ok", "x").special("pipe", TarConstants.LF_FIFO, 0)
                .tar(up.resolve("a.tar"))),
        hostile("tar character device", "dev/null", "character device entries",
            up -> TestArchives.entries().dir("dev/").special("dev/null", TarConstants.LF_CHR, 0)
                .tarGz(up.resolve("a.tgz"))),
        hostile("tar block device", "sda", "block device entries",
            up -> TestArchives.entries().special("sda", TarConstants.LF_BLK, 0)
                .tar(up.resolve("a.tar"))),
        hostile("zip fifo", "pipe", "fifo entries are not allowed",
            up -> TestArchives.entries().special("pipe", (byte) 0, 0010644)
                .zip(up.resolve("a.zip"))),
        hostile("duplicate entry", "a", "duplicate entry",
            up -> TestArchives.entries().file("a", "1").file("a", "2").tar(up.resolve("a.tar"))),
        hostile("zip bomb by ratio", "zeros.bin", "maxCompressionRatio=200",
            up -> TestArchives.entries().file("zeros.bin", new byte[8 << 20], 0644)
                .zip(up.resolve("bomb.zip"))),
        hostile("tar.gz bomb by ratio", "zeros.bin", "maxCompressionRatio=200",
            up -> TestArchives.entries().file("zeros.bin", new byte[8 << 20], 0644)
                .tarGz(up.resolve("bomb.tgz"))),
        hostile("truncated tar.gz", null, "ends too early",
            up -> truncated(TestArchives.entries().file("random", random(200_000), 0644)
                .tarGz(up.resolve("a.tgz")))),
        hostile("truncated tar", null, "not a readable archive",
            up -> truncated(TestArchives.entries().file("random", random(20_000), 0644)
                .tar(up.resolve("a.tar")))),
        hostile("truncated zip", null, "not a readable archive",
            up -> truncated(TestArchives.entries().file("random", random(20_000), 0644)
                .zip(up.resolve("a.zip")))),
        hostile("garbage", null, "not a tar, tar.gz or zip file",
            up -> Files.write(up.resolve("a.zip"), "this is no archive at all".repeat(40)
                .getBytes(StandardCharsets.UTF_8))),
        hostile("empty file", null, "the file is empty",
            up -> Files.write(up.resolve("a.tar"), new byte[0])),
        hostile("gzip of something else", null, "does not hold a tar archive",
            up -> gzip(up.resolve("a.tgz"), "plain text, not a tar".repeat(100)))
    );
  }

  private static Arguments hostile(String name, String entry, String problem, Hostile archive) {
    return Arguments.of(name, entry, problem, archive);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileArchives")
  void refusesHostileArchivesWholeAndLeavesNothing(String name, String entry, String problem,
      Hostile hostile) throws IOException {
    Path archive = hostile.build(uploads);

    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> extractor.extract(archive, parent));

    assertEquals(entry, e.entry(), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    if (entry != null) {
      assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
      assertFalse(entry.startsWith("/") && Files.exists(Path.of(entry)), entry + " was written");
    }
    assertNothingLeft();
  }

  @Test
  void refusesMoreEntriesThanTheDefaultLimit() throws IOException {
    Path archive = uploads.resolve("many.tgz");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
        new GzipCompressorOutputStream(Files.newOutputStream(archive)), "UTF-8")) {
      for (int i = 0; i < 100_001; i++) {
        tar.putArchiveEntry(new TarArchiveEntry("d/", TarConstants.LF_DIR));
        tar.closeArchiveEntry();
      }
    }

    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> extractor.extract(archive, parent));

    assertEquals("d/", e.entry());
    assertTrue(e.getMessage().contains("maxEntries=100000"), e.getMessage());
    assertNothingLeft();
  }

  @Test
  void acceptsExactlyTheConfiguredNumberOfEntriesAndRefusesOneMore() throws IOException {
    ArchiveExtractor five = ArchiveExtractor.create(ArchiveLimits.defaults().withMaxEntries(5));
    TestArchives entries = TestArchives.entries();
    for (int i = 1; i <= 5; i++) {
      entries.file("f" + i, "x");
    }
    Path accepted = five.extract(entries.tar(uploads.resolve("five.tar")), parent);
    assertEquals(5, list(accepted).size());

    Path six = entries.file("f6", "x").zip(uploads.resolve("six.zip"));
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> five.extract(six, parent));
    assertEquals("f6", e.entry());
    assertTrue(e.getMessage().contains("maxEntries=5"), e.getMessage());
    assertEquals(List.of(accepted), list(parent));
  }

  @Test
  void refusesFilesBeyondTheSizeLimits() throws IOException {
    Path archive = TestArchives.entries().file("a", random(600), 0644)
        .file("b", random(600), 0644).tar(uploads.resolve("a.tar"));

    InvalidArchiveException total = assertThrows(InvalidArchiveException.class,
        () -> ArchiveExtractor.create(ArchiveLimits.defaults().withMaxTotalBytes(1000))
            .extract(archive, parent));
    assertEquals("b", total.entry());
    assertTrue(total.getMessage().contains("maxTotalBytes=1000"), total.getMessage());

    InvalidArchiveException single = assertThrows(InvalidArchiveException.class,
        () -> ArchiveExtractor.create(ArchiveLimits.defaults().withMaxEntryBytes(500))
            .extract(archive, parent));
    assertEquals("a", single.entry());
    assertTrue(single.getMessage().contains("maxEntryBytes=500"), single.getMessage());
    assertNothingLeft();
  }

  @Test
  void acceptsAGoodZipWithExecBitsAndAnInsideSymlink() throws IOException {
    Path archive = goodEntries().zip(uploads.resolve("app.zip"));

    assertGoodTree(extractor.extract(archive, parent));
  }

  @Test
  void acceptsAGoodTar() throws IOException {
    Path archive = goodEntries().hardLink("bin/again", "bin/run").tar(uploads.resolve("app.tar"));

    Path root = extractor.extract(archive, parent);

    assertGoodTree(root);
    assertEquals("#!/bin/sh\necho hi\n", Files.readString(root.resolve("bin/again")));
    assertTrue(Files.isExecutable(root.resolve("bin/again")));
  }

  @Test
  void acceptsAGoodTarGzWhateverItsFileNameSays() throws IOException {
    Path archive = goodEntries().tarGz(uploads.resolve("app.zip"));

    assertGoodTree(extractor.extract(archive, parent));
  }

  @Test
  void extractsAFreshFolderEachTimeInsideTheParent() throws IOException {
    Path archive = goodEntries().tar(uploads.resolve("app.tar"));

    Path first = extractor.extract(archive, parent);
    Path second = extractor.extract(archive, parent);

    assertFalse(first.equals(second));
    assertEquals(parent, first.getParent());
    assertEquals(parent, second.getParent());
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
  }

  @Test
  void extractsADropletStreamAndRefusesABombFromAStream() throws IOException {
    Path app = Files.createDirectory(temp.resolve("app"));
    Files.writeString(app.resolve("index.html"), "<h1>hi</h1>");
    Path droplet = uploads.resolve("droplet.tgz");
    try (OutputStream out = Files.newOutputStream(droplet)) {
      TarGzWriter.create().write(app, out);
    }

    Path root;
    try (InputStream in = Files.newInputStream(droplet)) {
      root = extractor.extractTarGz(in, parent);
    }
    assertEquals("<h1>hi</h1>", Files.readString(root.resolve("index.html")));

    Path bomb = TestArchives.entries().file("zeros.bin", new byte[8 << 20], 0644)
        .tarGz(uploads.resolve("bomb.tgz"));
    try (InputStream in = Files.newInputStream(bomb)) {
      InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
          () -> extractor.extractTarGz(in, parent));
      assertEquals("zeros.bin", e.entry());
    }
    Path notGzip = TestArchives.entries().file("a", "x").tar(uploads.resolve("plain.tar"));
    try (InputStream in = Files.newInputStream(notGzip)) {
      InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
          () -> extractor.extractTarGz(in, parent));
      assertNull(e.entry());
    }
    assertEquals(List.of(root), list(parent));
  }

  private static TestArchives goodEntries() {
    return TestArchives.entries()
        .dir("bin/")
        .file("bin/run", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8), 0755)
        .file("./static/css/site.css", "body {}")
        .symlink("static/current.css", "css/site.css")
        .symlink("latest", "static")
        .file("README", "read me");
  }

  private void assertGoodTree(Path root) throws IOException {
    assertEquals(parent, root.getParent());
    assertEquals("#!/bin/sh\necho hi\n", Files.readString(root.resolve("bin/run")));
    assertTrue(Files.isExecutable(root.resolve("bin/run")));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(root.resolve("README"))));
    assertEquals("body {}", Files.readString(root.resolve("static/css/site.css")));
    assertEquals(Path.of("css/site.css"),
        Files.readSymbolicLink(root.resolve("static/current.css")));
    assertEquals("body {}", Files.readString(root.resolve("latest/current.css")));
    assertTrue(Files.isSymbolicLink(root.resolve("latest")));
    assertTrue(Files.isDirectory(root.resolve("static"), LinkOption.NOFOLLOW_LINKS));
  }

  private void assertNothingLeft() throws IOException {
    assertEquals(List.of(), list(parent), "the parent folder is back to its prior state");
    assertEquals(List.of(), list(outside), "nothing was written outside");
    assertFalse(Files.exists(Path.of("/etc/paaskit-evil")));
    try (Stream<Path> evil = Files.list(temp)) {
      assertEquals(List.of("outside", "uploads", "work"),
          evil.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static Path truncated(Path archive) throws IOException {
    byte[] bytes = Files.readAllBytes(archive);
    Files.write(archive, Arrays.copyOf(bytes, bytes.length / 2));
    return archive;
  }

  private static Path gzip(Path file, String text) throws IOException {
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }
}
