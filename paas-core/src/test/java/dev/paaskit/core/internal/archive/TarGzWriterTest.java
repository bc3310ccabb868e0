package dev.paaskit.core.internal.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hashing;
import dev.paaskit.api.InvalidArchiveException;
import dev.paaskit.core.archive.ArchiveLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TarGzWriterTest {
  private static final String LONG_NAME = "deep/" + "a-rather-long-folder-name/".repeat(8)
      + "file-with-a-name-past-the-old-tar-limit.txt";

  @TempDir Path temp;

  @Test
  void sameContentGivesTheSameBytesWhateverTheTimesOrCreationOrder() throws IOException {
    Path first = temp.resolve("first");
    Path second = temp.resolve("second");
    buildApp(first, false, Instant.parse("2021-03-04T05:06:07Z"), "rw-------");
    buildApp(second, true, Instant.parse("2024-11-12T13:14:15Z"), "rw-rw-r--");

    ByteArrayOutputStream one = new ByteArrayOutputStream();
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    WrittenArchive a = TarGzWriter.create().write(first, one);
    WrittenArchive b = TarGzWriter.create().write(second, two);

    assertEquals(a, b);
    assertArrayEquals(one.toByteArray(), two.toByteArray());
    assertEquals(Hashing.sha256().hashBytes(one.toByteArray()).toString(), a.sha256());
    assertEquals(one.size(), a.bytes());

    Files.writeString(second.resolve("app.py"), "print('changed')\n");
    assertNotEquals(a.sha256(), TarGzWriter.create().write(second, new ByteArrayOutputStream())
        .sha256());
  }

  @Test
  void headersAreSortedAndCarryNoOwnerTimeOrHostDetail() throws IOException {
    Path app = temp.resolve("app");
    buildApp(app, false, Instant.now(), "rw-r-----");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    WrittenArchive written = TarGzWriter.create().write(app, out);

    byte[] bytes = out.toByteArray();
    assertEquals(0x1f, bytes[0] & 0xff);
    assertEquals(0x8b, bytes[1] & 0xff);
    assertEquals(0, bytes[3], "no file name or other optional gzip fields");
    assertArrayEquals(new byte[4], Arrays.copyOfRange(bytes, 4, 8), "gzip mtime 0");
    assertEquals(255, bytes[9] & 0xff, "fixed OS byte");

    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new GzipCompressorInputStream(new ByteArrayInputStream(bytes)), "UTF-8")) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        names.add(entry.getName());
        assertEquals(TarGzWriter.MTIME, entry.getLastModifiedTime().toInstant(), entry.getName());
        assertEquals(0, entry.getLongUserId());
        assertEquals(0, entry.getLongGroupId());
        assertEquals("", entry.getUserName());
        assertEquals("", entry.getGroupName());
        int expectedMode = entry.isDirectory() ? 0755
            : entry.isSymbolicLink() ? 0777
            : entry.getName().equals("bin/start") ? 0755 : 0644;
        assertEquals(expectedMode, entry.getMode() & 07777, entry.getName());
      }
    }
    // '-' sorts before '/' in byte order, so data-link comes before data/.
    assertEquals(List.of("app.py", "bin/", "bin/start", "data-link", "data/", "data/empty/",
        "data/notes-ünïcode.txt", "data/z", "deep/"), names.subList(0, 9));
    assertEquals(LONG_NAME, names.get(names.size() - 1));
    assertEquals(names.size(), written.entries());
  }

  @Test
  void execBitsSymlinksAndLongNamesSurviveARoundTrip() throws IOException {
    Path app = temp.resolve("app");
    buildApp(app, false, Instant.now(), "rw-r--r--");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarGzWriter.create().write(app, out);

    Path root = ArchiveExtractor.create(ArchiveLimits.defaults())
        .extractTarGz(new ByteArrayInputStream(out.toByteArray()), Files.createDirectory(
            temp.resolve("unpacked")));

    assertEquals(describe(app), describe(root));
    assertTrue(Files.isExecutable(root.resolve("bin/start")));
    assertEquals(Path.of("data"), Files.readSymbolicLink(root.resolve("data-link")));
    assertEquals("zzz", Files.readString(root.resolve("data-link/z")));
  }

  @Test
  void leavesOutExcludedPathsAndWhatIsUnderThem() throws IOException {
    Path app = temp.resolve("app");
    buildApp(app, false, Instant.now(), "rw-r--r--");
    Path git = Files.createDirectories(app.resolve(".git/objects"));
    Files.writeString(git.resolve("pack"), "history");
    Files.writeString(app.resolve(".env"), "SECRET=1");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WrittenArchive written = TarGzWriter.create()
        .excluding(path -> path.equals(".git/"))
        .excluding(path -> path.equals(".env"))
        .write(app, out);

    List<String> names = names(out.toByteArray());
    assertTrue(names.stream().noneMatch(n -> n.startsWith(".git") || n.equals(".env")),
        names.toString());
    assertEquals(names.size(), written.entries());
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    TarGzWriter.create().write(app, plain);
    assertTrue(names(plain.toByteArray()).containsAll(List.of(".git/", ".git/objects/pack")));
  }

  @Test
  void refusesASymlinkLeadingOutsideAndWritesNothing() throws IOException {
    Path app = Files.createDirectories(temp.resolve("app/sub"));
    Files.createSymbolicLink(app.resolve("up"), Path.of("../.."));
    assertRefused(app.getParent(), "sub/up", "leads outside");

    Files.delete(app.resolve("up"));
    Files.createSymbolicLink(app.resolve("abs"), app.resolve("..").toAbsolutePath());
    assertRefused(app.getParent(), "sub/abs", "absolute path");

    Files.delete(app.resolve("abs"));
    Files.createSymbolicLink(app.resolve("l"), Path.of("."));
    Files.createSymbolicLink(app.getParent().resolve("x"), Path.of("sub/l/../.."));
    assertRefused(app.getParent(), "x", "through other symlinks");
  }

  @Test
  void refusesAFifo() throws IOException, InterruptedException {
    Path app = Files.createDirectories(temp.resolve("app"));
    Files.writeString(app.resolve("index.html"), "hi");
    Process mkfifo = new ProcessBuilder("mkfifo", app.resolve("pipe").toString()).start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, mkfifo.exitValue());

    assertRefused(app, "pipe", "special file");
  }

  @Test
  void refusesAFolderBeyondTheLimits() throws IOException {
    Path app = Files.createDirectories(temp.resolve("app"));
    Files.write(app.resolve("a"), new byte[600]);
    Files.write(app.resolve("b"), new byte[600]);
    Files.write(app.resolve("c"), new byte[600]);
    ArchiveLimits limits = ArchiveLimits.defaults();

    InvalidArchiveException entries = assertThrows(InvalidArchiveException.class,
        () -> TarGzWriter.create().withLimits(limits.withMaxEntries(2))
            .write(app, new ByteArrayOutputStream()));
    assertTrue(entries.getMessage().contains("maxEntries=2"), entries.getMessage());

    InvalidArchiveException total = assertThrows(InvalidArchiveException.class,
        () -> TarGzWriter.create().withLimits(limits.withMaxTotalBytes(1000))
            .write(app, new ByteArrayOutputStream()));
    assertTrue(total.getMessage().contains("maxTotalBytes=1000"), total.getMessage());

    InvalidArchiveException single = assertThrows(InvalidArchiveException.class,
        () -> TarGzWriter.create().withLimits(limits.withMaxEntryBytes(599))
            .write(app, new ByteArrayOutputStream()));
    assertTrue(single.getMessage().contains("maxEntryBytes=599"), single.getMessage());
    assertTrue(List.of("a", "b", "c").contains(single.entry()), single.entry());
  }

  private static void assertRefused(Path folder, String entry, String problem)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InvalidArchiveException e = assertThrows(InvalidArchiveException.class,
        () -> TarGzWriter.create().write(folder, out));
    assertEquals(entry, e.entry());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertEquals(0, out.size(), "nothing written");
  }

  /**
   * The same small app every time, created in one order or its reverse, with the given file
   * times and permissions for the files that are not executable.
   */
  private static void buildApp(Path app, boolean reverse, Instant time, String permissions)
      throws IOException {
    List<IoStep> steps = new ArrayList<>(List.of(
        () -> Files.writeString(app.resolve("app.py"), "print('hello')\n"),
        () -> Files.writeString(app.resolve("bin/start"), "#!/bin/sh\nexec python3 app.py\n"),
        () -> Files.writeString(app.resolve("data/z"), "zzz"),
        () -> Files.writeString(app.resolve("data/notes-ünïcode.txt"), "ü"),
        () -> Files.createDirectories(app.resolve("data/empty")),
        () -> Files.writeString(app.resolve(LONG_NAME), "long"),
        () -> Files.createSymbolicLink(app.resolve("data-link"), Path.of("data"))));
    if (reverse) {
      Collections.reverse(steps);
    }
    for (String dir : List.of("", "bin", "data", LONG_NAME.substring(0,
        LONG_NAME.lastIndexOf('/')))) {
      Files.createDirectories(app.resolve(dir));
    }
    for (IoStep step : steps) {
      step.run();
    }
    try (Stream<Path> files = Files.walk(app)) {
      for (Path file : files.toList()) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
              file.endsWith("bin/start") ? "rwxr-x---" : permissions));
        }
        if (!Files.isSymbolicLink(file)) {
          Files.setLastModifiedTime(file, FileTime.from(time));
        }
      }
    }
  }

  private interface IoStep {
    void run() throws IOException;
  }

  /** Each path with its kind, executable bit, and content or link target. */
  private static List<String> describe(Path root) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted().toList()) {
        String name = root.relativize(file).toString();
        if (Files.isSymbolicLink(file)) {
          lines.add(name + " -> " + Files.readSymbolicLink(file));
        } else if (Files.isDirectory(file)) {
          lines.add(name + "/");
        } else {
          lines.add(name + (Files.isExecutable(file) ? " x " : " - ")
              + Files.readString(file, StandardCharsets.UTF_8));
        }
      }
    }
    return lines;
  }

  private static List<String> names(byte[] tarGz) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)), "UTF-8")) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        names.add(entry.getName());
      }
    }
    return names;
  }
}
