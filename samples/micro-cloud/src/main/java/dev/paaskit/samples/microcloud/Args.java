package dev.paaskit.samples.microcloud;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one command: options that take a value ({@code --memory 256M} or
 * {@code --memory=256M}), switches ({@code --follow}) and positionals. Anything else is a usage
 * error that names it.
 */
public final class Args {
  /** A command line that does not fit the command; the message says what is wrong. */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, List<String>> values = new HashMap<>();
  private final Set<String> switchesSeen = new java.util.HashSet<>();
  private final List<String> positionals = new ArrayList<>();

  private Args() {}

  /**
   * Parses {@code argv}. {@code options} maps each option that takes a value to its short alias,
   * or to null or "" when it has none; {@code repeatable} options may be given more than once.
   */
  public static Args parse(String[] argv, Map<String, String> options, Set<String> repeatable,
      Set<String> switches, int maxPositionals) throws UsageException {
    Map<String, String> aliases = new LinkedHashMap<>();
    options.forEach((name, alias) -> {
      if (alias != null && !alias.isEmpty()) {
        aliases.put(alias, name);
      }
    });
    Args args = new Args();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (a.startsWith("-") && !a.equals("-")) {
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        }
        name = aliases.getOrDefault(name, name);
        if (switches.contains(name)) {
          if (value != null) {
            throw new UsageException(name + " takes no value");
          }
          args.switchesSeen.add(name);
        } else if (options.containsKey(name)) {
          if (value == null) {
            if (i + 1 >= argv.length) {
              throw new UsageException(name + " needs a value");
            }
            value = argv[++i];
          }
          List<String> list = args.values.computeIfAbsent(name, n -> new ArrayList<>());
          if (!list.isEmpty() && !repeatable.contains(name)) {
            throw new UsageException(name + " given twice");
          }
          list.add(value);
        } else {
          throw new UsageException("unknown option " + name);
        }
      } else {
        if (args.positionals.size() >= maxPositionals) {
          throw new UsageException("unexpected argument '" + a + "'");
        }
        args.positionals.add(a);
      }
    }
    return args;
  }

  public Optional<String> get(String option) {
    List<String> list = values.get(option);
    return list == null ? Optional.empty() : Optional.of(list.get(0));
  }

  List<String> all(String option) {
    return values.getOrDefault(option, List.of());
  }

  boolean has(String option) {
    return switchesSeen.contains(option);
  }

  Optional<String> positional(int index) {
    return index < positionals.size() ? Optional.of(positionals.get(index)) : Optional.empty();
  }

  String required(int index, String what) throws UsageException {
    return positional(index).orElseThrow(() -> new UsageException("missing " + what));
  }

  public int intOption(String option, int fallback) throws UsageException {
    Optional<String> v = get(option);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number, not '" + v.get() + "'");
    }
  }
}
