package dev.paaskit.node.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The space a container's folder takes, as a backend reports it: the sizes of the regular files
 * under it, each hard-linked file once. Symbolic links are not followed; files that vanish or
 * cannot be read while the folder is walked are skipped, as a running app changes its folder
 * under the walk. The cost grows with the number of files, so callers cache the answer.
 */
public final class FolderSize {
  private FolderSize() {}

  /**
   * Walks {@code folder}.
   *
   * @return the bytes of its regular files; 0 for a folder that does not exist
   * @throws IOException when the folder itself cannot be read for another reason than that it
   *     is gone
   */
  public static long of(Path folder) throws IOException {
    long[] total = {0};
    Set<Object> seen = new HashSet<>();
    try {
      Files.walkFileTree(folder, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          Object key = attrs.fileKey();
          if (attrs.isRegularFile() && (key == null || seen.add(key))) {
            total[0] += attrs.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return FileVisitResult.CONTINUE;
          }
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw e;
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException e) {
      return 0;
    }
    return total[0];
  }
}
