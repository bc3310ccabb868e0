package dev.paaskit.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LineReaderTest {
  private static List<String> lines(byte[] bytes, int max) throws IOException {
    List<String> lines = new ArrayList<>();
    try (LineReader reader = new LineReader(new ByteArrayInputStream(bytes), max)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
      assertNull(reader.readLine(), "stays at the end");
    }
    return lines;
  }

  private static List<String> lines(String text, int max) throws IOException {
    return lines(text.getBytes(StandardCharsets.UTF_8), max);
  }

  @Test
  void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastUnterminatedLine() throws IOException {
    assertEquals(List.of("a", "", "b", "c"), lines("a\n\nb\r\nc", 100));
    assertEquals(List.of("a"), lines("a\n", 100));
    assertEquals(List.of(), lines("", 100));
    assertEquals(List.of("x\ry"), lines("x\ry\n", 100));
  }

  @Test
  void cutsLongLinesAndSkipsTheirRest() throws IOException {
    String longLine = "0123456789".repeat(2000);
    assertEquals(List.of("0123456789", "short"), lines("0123456789\nshort\n", 10));
    assertEquals(List.of("01234", "next"), lines(longLine + "\nnext\n", 5));
    assertEquals(List.of(longLine.substring(0, 16384), "z"), lines(longLine + "\nz", 16384));
  }

  @Test
  void neverCutsInsideACharacter() throws IOException {
    // "é" is two bytes and "😀" four: a cut at 5 bytes falls inside the emoji.
    assertEquals(List.of("aé"), lines("aé😀tail\n", 5));
    assertEquals(List.of("aé😀"), lines("aé😀tail\n", 7));
    assertEquals(List.of("aéé"), lines("aééé\n", 6));
  }

  @Test
  void readsLinesSplitAcrossReads() throws IOException {
    byte[] bytes = "first line\nsecond\n".getBytes(StandardCharsets.UTF_8);
    InputStream trickle = new InputStream() {
      private int next;

      @Override
      public int read() {
        return next < bytes.length ? bytes[next++] : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (next >= bytes.length) {
          return -1;
        }
        b[off] = bytes[next++];
        return 1;
      }
    };
    try (LineReader reader = new LineReader(trickle, 100)) {
      assertEquals("first line", reader.readLine());
      assertEquals("second", reader.readLine());
      assertNull(reader.readLine());
    }
  }

  @Test
  void refusesATinyBound() {
    assertThrows(IllegalArgumentException.class,
        () -> new LineReader(new ByteArrayInputStream(new byte[0]), 3));
  }
}
