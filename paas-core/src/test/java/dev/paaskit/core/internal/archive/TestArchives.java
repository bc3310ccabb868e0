package dev.paaskit.core.internal.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds tar, tar.gz and zip archives entry by entry, hostile ones included. */
final class TestArchives {
  private enum Type { DIR, FILE, SYMLINK, HARDLINK, SPECIAL }

  private record Item(Type type, String name, byte[] content, int mode, String link, byte flag) {
  }

  private final List<Item> items = new ArrayList<>();

  static TestArchives entries() {
    return new TestArchives();
  }

  TestArchives dir(String name) {
    items.add(new Item(Type.DIR, name, new byte[0], 040755, null, TarConstants.LF_DIR));
    return this;
  }

  TestArchives file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  TestArchives file(String name, byte[] content, int mode) {
    items.add(new Item(Type.FILE, name, content, 0100000 | mode, null, TarConstants.LF_NORMAL));
    return this;
  }

  TestArchives symlink(String name, String target) {
    items.add(new Item(Type.SYMLINK, name, new byte[0], 0120777, target,
        TarConstants.LF_SYMLINK));
    return this;
  }

  TestArchives hardLink(String name, String target) {
    items.add(new Item(Type.HARDLINK, name, new byte[0], 0100644, target, TarConstants.LF_LINK));
    return this;
  }

  /** A tar entry of type {@code flag}, or a zip entry with the unix file type {@code mode}. */
  TestArchives special(String name, byte flag, int mode) {
    items.add(new Item(Type.SPECIAL, name, new byte[0], mode, null, flag));
    return this;
  }

  Path tar(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      writeTar(out);
    }
    return file;
  }

  Path tarGz(Path file) throws IOException {
    try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file))) {
      writeTar(out);
    }
    return file;
  }

  Path zip(Path file) throws IOException {
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
      for (Item item : items) {
        ZipArchiveEntry entry = new ZipArchiveEntry(item.name);
        entry.setUnixMode(item.mode);
        zip.putArchiveEntry(entry);
        if (item.type == Type.SYMLINK) {
          zip.write(item.link.getBytes(StandardCharsets.UTF_8));
        } else {
          zip.write(item.content);
        }
        zip.closeArchiveEntry();
      }
    }
    return file;
  }

  private void writeTar(OutputStream out) throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Item item : items) {
        TarArchiveEntry entry = new TarArchiveEntry(item.name, item.flag, true);
        entry.setMode(item.mode);
        if (item.link != null) {
          entry.setLinkName(item.link);
        }
        entry.setSize(item.content.length);
        tar.putArchiveEntry(entry);
        tar.write(item.content);
        tar.closeArchiveEntry();
      }
    }
  }
}
