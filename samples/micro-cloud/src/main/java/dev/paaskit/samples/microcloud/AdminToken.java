package dev.paaskit.samples.microcloud;

import dev.paaskit.api.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The admin token of a micro cloud: 32 random bytes, kept in a file only its owner can read. */
public final class AdminToken {
  private AdminToken() {}

  /** Reads the token at {@code file}, first writing a new one (mode 0600) when there is none. */
  static Secret loadOrCreate(Path file, SecureRandom random) throws IOException {
    if (!Files.exists(file)) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException e) {
        // Another serve won the race; read its token below.
      }
    }
    return read(file);
  }

  /** Reads the token at {@code file}. */
  public static Secret read(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.isEmpty()) {
      throw new IOException("the admin token file " + file + " is empty");
    }
    return Secret.of(token);
  }
}
