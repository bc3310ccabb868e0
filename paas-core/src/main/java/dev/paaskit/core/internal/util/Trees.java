package dev.paaskit.core.internal.util;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Folder trees on disk. */
public final class Trees {
  private static final Logger log = LoggerFactory.getLogger(Trees.class);

  private Trees() {}

  /** Deletes {@code root} and everything below it, never following symlinks. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** As {@link #delete}, logging instead of throwing: for clean-up after the real work. */
  public static void deleteQuietly(Path root) {
    try {
      delete(root);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }
}
