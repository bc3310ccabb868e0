package dev.paaskit.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The warnings of one parse, worded alike and given in the order of the lines they name. Not
 * thread-safe: one parse, one thread.
 */
final class Warnings {
  private record Warning(int line, String message) {
  }

  private final List<Warning> warnings = new ArrayList<>();

  /** {@code unknown key 'foo' in applications[0] at line 12, ignored}. */
  void unknownKey(String key, String parent, int line) {
    add(line, "unknown key '" + key + "'" + in(parent) + " at line " + line + ", ignored");
  }

  /** A key the format knows but PaaSKit does not act on. */
  void unsupportedKey(String key, String parent, int line, String why) {
    add(line, "key '" + key + "'" + in(parent) + " at line " + line + " is not supported by "
        + "PaaSKit" + (why.isEmpty() ? "" : " (" + why + ")") + ", ignored");
  }

  /** {@code applications[0].routes[1].route at line 9: <message>}. */
  void at(String path, int line, String message) {
    add(line, path + " at line " + line + ": " + message);
  }

  /** A warning about a line; 0 for one about the whole document. */
  void add(int line, String message) {
    warnings.add(new Warning(line, message));
  }

  List<String> all() {
    return warnings.stream().sorted(Comparator.comparingInt(Warning::line))
        .map(Warning::message).toList();
  }

  private static String in(String parent) {
    return parent.isEmpty() ? "" : " in " + parent;
  }
}
