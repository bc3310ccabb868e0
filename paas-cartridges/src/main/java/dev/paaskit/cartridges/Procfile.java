package dev.paaskit.cartridges;

import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Heroku-style Procfiles: one {@code type: command} line per process type, blank lines
 * and lines starting with {@code #} ignored.
 *
 * <pre>{@code
 * Procfile.parse("web: gunicorn app:app\nworker: celery worker\n").get("web")
 *     // "gunicorn app:app"
 * }</pre>
 */
public final class Procfile {
  /** The name of the file in an app's root folder. */
  public static final String FILE_NAME = "Procfile";

  /** A larger Procfile is refused rather than read. */
  static final int MAX_BYTES = 64 * 1024;

  private static final Pattern LINE = Pattern.compile("([A-Za-z0-9_-]+)\\s*:\\s*(.*)");

  private Procfile() {
  }

  /**
   * The process types of {@code text} and their commands, in file order. Lines may end with
   * {@code \n}, {@code \r\n} or {@code \r}; spaces around the type and the command are dropped.
   *
   * @param text the whole Procfile, with or without a leading byte order mark; not bounded here,
   *     so bound text from untrusted sources before (as {@link #read} does)
   * @return process type to command, unmodifiable, in file order; empty when no line is a
   *     process
   * @throws InvalidSpecException naming the line number and its content when a line is not
   *     {@code type: command} with a type of letters, digits, {@code _} or {@code -}, has no
   *     command, or repeats a type
   */
  public static Map<String, String> parse(String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String[] lines = body.split("\r\n|\r|\n", -1);
    Map<String, String> processes = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int number = i + 1;
      Matcher matcher = LINE.matcher(line);
      if (!matcher.matches()) {
        throw malformed(number, lines[i], "expected 'type: command' with a type of letters, "
            + "digits, '_' or '-'");
      }
      String type = matcher.group(1);
      String command = matcher.group(2).strip();
      if (command.isEmpty()) {
        throw malformed(number, lines[i], "no command after '" + type + ":'");
      }
      Integer earlier = firstLine.putIfAbsent(type, number);
      if (earlier != null) {
        throw malformed(number, lines[i],
            "process type '" + type + "' was already given on line " + earlier);
      }
      processes.put(type, command);
    }
    return Collections.unmodifiableMap(processes);
  }

  /**
   * Parses the UTF-8 file {@code file}, reading at most 64 KiB and one byte of it. Bytes that
   * are not UTF-8 become U+FFFD rather than failing the read.
   *
   * @param file the Procfile, usually {@value #FILE_NAME} in an app's root folder
   * @return as {@link #parse}
   * @throws InvalidSpecException when a line is malformed or the file is larger than 64 KiB
   * @throws IOException when the file is missing or cannot be read
   */
  public static Map<String, String> read(Path file) throws IOException {
    byte[] bytes;
    // Read as the server, after the app's code ran in its folder: a link is not followed.
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (FileSystemException e) {
      throw new InvalidSpecException(FILE_NAME, file.toString(),
          "cannot be read as a plain file (a link is not followed): " + e.getReason());
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidSpecException(FILE_NAME, file.toString(),
          "larger than " + MAX_BYTES + " bytes");
    }
    return parse(new String(bytes, StandardCharsets.UTF_8));
  }

  /** The {@code web} command of the Procfile in {@code appDir}; empty when it has none. */
  static Optional<String> webCommand(Path appDir) throws IOException {
    Path file = appDir.resolve(FILE_NAME);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.ofNullable(read(file).get("web"));
  }

  private static InvalidSpecException malformed(int number, String line, String problem) {
    return new InvalidSpecException(FILE_NAME + " line " + number, line, problem);
  }
}
