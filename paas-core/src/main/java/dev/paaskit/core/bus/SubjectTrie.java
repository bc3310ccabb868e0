package dev.paaskit.core.bus;

import dev.paaskit.core.internal.bus.Subjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Values keyed by subscription subject, one trie level per token, so that finding the values
 * matching a concrete subject costs a walk of its tokens (branching only at {@code *} and
 * {@code >}) instead of a scan of every subscription.
 *
 * <p>Not thread-safe: the caller guards it. Tokens must have been checked by {@link Subjects}.
 * Within one subject values keep their insertion order.
 */
final class SubjectTrie<T> {
  private final Node<T> root = new Node<>();
  private int size;

  void add(String[] pattern, T value) {
    Node<T> node = root;
    for (String token : pattern) {
      node = node.childOrCreate(token);
    }
    if (node.values.add(value)) {
      size++;
    }
  }

  /** Removes {@code value} from {@code pattern}, pruning nodes left empty; false if absent. */
  boolean remove(String[] pattern, T value) {
    List<Node<T>> path = new ArrayList<>(pattern.length + 1);
    Node<T> node = root;
    path.add(node);
    for (String token : pattern) {
      node = node.child(token);
      if (node == null) {
        return false;
      }
      path.add(node);
    }
    if (!node.values.remove(value)) {
      return false;
    }
    size--;
    for (int i = pattern.length; i > 0 && path.get(i).isEmpty(); i--) {
      path.get(i - 1).removeChild(pattern[i - 1]);
    }
    return true;
  }

  /** Passes every value whose pattern matches the concrete {@code subject} to {@code sink}. */
  void match(String[] subject, Consumer<? super T> sink) {
    match(root, subject, 0, sink);
  }

  List<T> values() {
    List<T> all = new ArrayList<>(size);
    collect(root, all);
    return all;
  }

  int size() {
    return size;
  }

  private static <T> void match(Node<T> node, String[] subject, int index, Consumer<? super T> sink) {
    if (index == subject.length) {
      node.values.forEach(sink);
      return;
    }
    if (node.rest != null) {
      node.rest.values.forEach(sink);
    }
    Node<T> literal = node.literals.get(subject[index]);
    if (literal != null) {
      match(literal, subject, index + 1, sink);
    }
    if (node.one != null) {
      match(node.one, subject, index + 1, sink);
    }
  }

  private static <T> void collect(Node<T> node, List<T> into) {
    into.addAll(node.values);
    node.literals.values().forEach(child -> collect(child, into));
    if (node.one != null) {
      collect(node.one, into);
    }
    if (node.rest != null) {
      collect(node.rest, into);
    }
  }

  private static final class Node<T> {
    final Map<String, Node<T>> literals = new HashMap<>();
    final Set<T> values = new LinkedHashSet<>();
    Node<T> one;
    Node<T> rest;

    Node<T> child(String token) {
      switch (token) {
        case Subjects.ONE:
          return one;
        case Subjects.REST:
          return rest;
        default:
          return literals.get(token);
      }
    }

    Node<T> childOrCreate(String token) {
      switch (token) {
        case Subjects.ONE:
          if (one == null) {
            one = new Node<>();
          }
          return one;
        case Subjects.REST:
          if (rest == null) {
            rest = new Node<>();
          }
          return rest;
        default:
          return literals.computeIfAbsent(token, t -> new Node<>());
      }
    }

    void removeChild(String token) {
      switch (token) {
        case Subjects.ONE:
          one = null;
          break;
        case Subjects.REST:
          rest = null;
          break;
        default:
          literals.remove(token);
      }
    }

    boolean isEmpty() {
      return values.isEmpty() && literals.isEmpty() && one == null && rest == null;
    }
  }
}
