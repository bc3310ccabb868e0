package dev.paaskit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
  @Test
  void parsesTheFormsManifestsUse() {
    assertEquals(256L << 20, ByteSize.parse("memory", "256M").bytes());
    assertEquals(256L << 20, ByteSize.parse("memory", "256MB").bytes());
    assertEquals(1L << 30, ByteSize.parse("memory", "1G").bytes());
    assertEquals(1L << 30, ByteSize.parse("memory", "1gb").bytes());
    assertEquals(512L << 10, ByteSize.parse("disk", "512K").bytes());
    assertEquals(128L << 20, ByteSize.parse("memory", "128").bytes());
    assertEquals("1G", ByteSize.parse("memory", "1024M").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "12Q", "-1G", "0M", "G", "1.5G", "99999999999999999G"})
  void rejectsWhatDoesNotParseNamingTheField(String text) {
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> ByteSize.parse("disk", text));
    assertEquals("disk", e.field());
  }
}
