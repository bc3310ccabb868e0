package dev.paaskit.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paaskit.node.process.ProcessBackend;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node's supported types mention no type of an {@code .internal.} package in a public or
 * protected member, nor in what they extend: what an embedder calls must not tie it to the wire
 * protocol or to the node's implementation.
 */
class PublicSurfaceTest {
  @ParameterizedTest
  @ValueSource(classes = {NodeAgent.class, ProcessBackend.class, PortAllocator.class,
      HealthProber.class})
  void mentionsNoInternalType(Class<?> type) {
    List<String> leaks = new ArrayList<>();
    collect(type, leaks);
    assertEquals(List.of(), leaks, "members of " + type.getName() + " that leak internal types");
  }

  private static void collect(Class<?> type, List<String> leaks) {
    List<Type> supertypes = new ArrayList<>(List.of(type.getGenericInterfaces()));
    if (type.getGenericSuperclass() != null) {
      supertypes.add(type.getGenericSuperclass());
    }
    check(type.getName() + " extends", supertypes.toArray(Type[]::new), leaks);
    for (Method m : visible(type.getMethods(), type.getDeclaredMethods())) {
      check(m.toGenericString(), Stream.of(new Type[] {m.getGenericReturnType()},
          m.getGenericParameterTypes(), m.getGenericExceptionTypes())
          .flatMap(Stream::of).toArray(Type[]::new), leaks);
    }
    for (Constructor<?> c : visible(type.getConstructors(), type.getDeclaredConstructors())) {
      check(c.toGenericString(), c.getGenericParameterTypes(), leaks);
    }
    for (Field f : visible(type.getFields(), type.getDeclaredFields())) {
      check(f.toGenericString(), new Type[] {f.getGenericType()}, leaks);
    }
    for (Class<?> nested : type.getDeclaredClasses()) {
      if (isVisible(nested.getModifiers())) {
        collect(nested, leaks);
      }
    }
  }

  /** The public members, inherited ones included, and the protected ones declared here. */
  @SafeVarargs
  private static <M extends Member> List<M> visible(M[] publicOnes, M[]... declared) {
    TreeSet<String> seen = new TreeSet<>();
    List<M> out = new ArrayList<>();
    Stream.concat(Stream.of(publicOnes), Stream.of(declared).flatMap(Stream::of))
        .filter(m -> isVisible(m.getModifiers()) && !m.isSynthetic())
        .forEach(m -> {
          if (seen.add(m.toString())) {
            out.add(m);
          }
        });
    return out;
  }

  private static boolean isVisible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(String member, Type[] types, List<String> leaks) {
    for (Type t : types) {
      if (t.getTypeName().contains(".internal.")) {
        leaks.add(member);
        return;
      }
    }
  }
}
