package dev.paaskit.core.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.spi.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk layout and housekeeping of LocalBlobStore, beyond the contract in paas-testing. */
@Timeout(30)
class LocalBlobStoreTest {
  private static final String HELLO_SHA256 =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @TempDir Path dir;

  @Test
  void aBlobIsAFileNamedByItsSha256InADirectoryNamedByItsFirstTwoDigits() throws IOException {
    LocalBlobStore store = LocalBlobStore.open(dir);
    assertEquals(new BlobInfo(HELLO_SHA256, 5), store.put(stream("hello")));

    Path blob = dir.resolve("2c").resolve(HELLO_SHA256);
    assertArrayEquals(bytes("hello"), Files.readAllBytes(blob));
    assertEquals(List.of(blob), files());
  }

  @Test
  void storingStoredBytesAgainLeavesTheStoredFileAsItWas() throws IOException {
    LocalBlobStore store = LocalBlobStore.open(dir);
    store.put(stream("hello"));
    Path blob = dir.resolve("2c").resolve(HELLO_SHA256);
    Object fileKey = Files.readAttributes(blob, "unix:ino").get("ino");

    store.put(stream("hello"));
    assertEquals(fileKey, Files.readAttributes(blob, "unix:ino").get("ino"));
    assertEquals(List.of(blob), files());
  }

  @Test
  void openRemovesTemporaryFilesOfPutsThatDiedAndNothingElse() throws IOException {
    Path abandoned = Files.write(dir.resolve(".put-123.tmp"), bytes("half a pack"));
    Path other = Files.write(dir.resolve("notes.txt"), bytes("not ours"));

    LocalBlobStore.open(dir);
    assertFalse(Files.exists(abandoned));
    assertTrue(Files.exists(other));
  }

  @Test
  void openKeepsATemporaryFileThatALivePutHolds() throws IOException {
    Path inFlight = Files.write(dir.resolve(".put-456.tmp"), bytes("arriving"));
    try (FileChannel channel = FileChannel.open(inFlight, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      assertNotNull(lock);
      LocalBlobStore.open(dir);
      assertTrue(Files.exists(inFlight), "a put under way must keep its file");
    }
    LocalBlobStore.open(dir);
    assertFalse(Files.exists(inFlight), "once the put is gone, its file is garbage");
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(bytes(text));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
