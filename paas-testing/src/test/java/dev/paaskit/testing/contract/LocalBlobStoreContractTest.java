package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.core.blob.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreContractTest extends BlobStoreContract {
  @TempDir Path dir;

  @Override
  protected BlobStore newStore() throws IOException {
    return LocalBlobStore.open(dir);
  }

  /** Every file is a whole blob at {@code dir/<first two hex digits>/<sha256>}. */
  @Override
  protected void assertNothingLeftBehind() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      String sha256 = sha256(Files.readAllBytes(file));
      assertEquals(Path.of(sha256.substring(0, 2), sha256), dir.relativize(file),
          "not a whole blob in its place");
    }
  }
}
