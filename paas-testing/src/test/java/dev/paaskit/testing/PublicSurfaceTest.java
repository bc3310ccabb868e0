package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.cartridges.BuiltinCartridges;
import dev.paaskit.core.PaasKit;
import dev.paaskit.generic.GenericServices;
import dev.paaskit.manifest.ManifestParser;
import dev.paaskit.nats.NatsBus;
import dev.paaskit.node.NodeAgent;
import dev.paaskit.rest.ApiServer;
import dev.paaskit.router.RouterRole;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface an embedder may rely on: types outside {@code internal} packages, and what
 * their public and protected members mention. Implementation lives in {@code internal} packages,
 * and no supported type leaks one; paas-api speaks JDK types only.
 */
class PublicSurfaceTest {
  /** Each module, by a class it holds. */
  private static final Map<String, Class<?>> MODULES = modules();

  private static Map<String, Class<?>> modules() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    m.put("paas-api", AppSpec.class);
    m.put("paas-core", PaasKit.class);
    m.put("paas-node", NodeAgent.class);
    m.put("paas-cartridges", BuiltinCartridges.class);
    m.put("paas-nats", NatsBus.class);
    m.put("paas-router", RouterRole.class);
    m.put("paas-manifest", ManifestParser.class);
    m.put("paas-generic", GenericServices.class);
    m.put("paas-rest", ApiServer.class);
    m.put("paas-testing", TestCloud.class);
    return m;
  }

  @Test
  void noSupportedTypeMentionsAnInternalOne() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, Class<?>> module : MODULES.entrySet()) {
      for (Class<?> type : exported(module.getValue())) {
        for (Map.Entry<String, Set<Class<?>>> use : mentions(type).entrySet()) {
          for (Class<?> mentioned : use.getValue()) {
            if (isInternal(mentioned)) {
              leaks.add(module.getKey() + ": " + use.getKey() + " mentions " + mentioned.getName());
            }
          }
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void theApiSpeaksJdkTypesOnly() throws Exception {
    List<String> foreign = new ArrayList<>();
    for (Class<?> type : exported(AppSpec.class)) {
      for (Map.Entry<String, Set<Class<?>>> use : mentions(type).entrySet()) {
        for (Class<?> mentioned : use.getValue()) {
          String name = mentioned.getName();
          if (!name.startsWith("java.") && !name.startsWith("dev.paaskit.api.")) {
            foreign.add(use.getKey() + " mentions " + name);
          }
        }
      }
    }
    assertEquals(List.of(), foreign);
  }

  @Test
  void coreNodeAndCartridgesPromiseAtMostSixtyTypes() throws Exception {
    Set<String> promised = new TreeSet<>();
    for (String module : List.of("paas-core", "paas-node", "paas-cartridges")) {
      for (Class<?> type : exported(MODULES.get(module))) {
        if (type.getEnclosingClass() == null) {
          promised.add(type.getName());
        }
      }
    }
    assertTrue(promised.size() <= 60, promised.size() + " public types: " + promised);
    assertTrue(promised.contains(PaasKit.class.getName()), "the scan found " + promised);
  }

  /** Public types of the module holding {@code anchor} outside internal packages. */
  private static List<Class<?>> exported(Class<?> anchor) throws IOException, URISyntaxException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    // A reactor build hands other modules over as classes folders (test) or jars (verify).
    try (java.nio.file.FileSystem jar = Files.isDirectory(location) ? null
        : java.nio.file.FileSystems.newFileSystem(location)) {
      Path root = jar == null ? location : jar.getPath("/");
      List<String> names;
      try (Stream<Path> files = Files.walk(root)) {
        names = files.map(f -> root.relativize(f).toString())
            .filter(f -> f.endsWith(".class") && !f.startsWith("META-INF")).toList();
      }
      for (String file : names) {
        String name = file.replace('/', '.').substring(0, file.length() - ".class".length());
        if (name.endsWith("package-info") || name.matches(".*\\$\\d.*")) {
          continue;
        }
        Class<?> type;
        try {
          type = Class.forName(name, false, anchor.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          throw new IllegalStateException("cannot load " + name, e);
        }
        if (isExported(type)) {
          out.add(type);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no public type found in " + location);
    }
    return out;
  }

  private static boolean isExported(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return !isInternal(type);
  }

  private static boolean isInternal(Class<?> type) {
    return type.getPackageName().contains(".internal");
  }

  /** What the type's supertypes and its public and protected members mention, by member. */
  private static Map<String, Set<Class<?>>> mentions(Class<?> type) {
    Map<String, Set<Class<?>>> out = new LinkedHashMap<>();
    String t = type.getName();
    if (type.getGenericSuperclass() != null) {
      collect(type.getGenericSuperclass(), out.computeIfAbsent(t + " extends", k -> set()));
    }
    for (Type i : type.getGenericInterfaces()) {
      collect(i, out.computeIfAbsent(t + " implements", k -> set()));
    }
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers(), type)) {
        collect(f.getGenericType(), out.computeIfAbsent(t + "." + f.getName(), k -> set()));
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c.getModifiers(), type)) {
        Set<Class<?>> s = out.computeIfAbsent(t + ".<init>", k -> set());
        for (Type p : c.getGenericParameterTypes()) {
          collect(p, s);
        }
        for (Type x : c.getGenericExceptionTypes()) {
          collect(x, s);
        }
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (m.isSynthetic() || m.isBridge() || !visible(m.getModifiers(), type)) {
        continue;
      }
      Set<Class<?>> s = out.computeIfAbsent(t + "." + m.getName() + "()", k -> set());
      collect(m.getGenericReturnType(), s);
      for (Type p : m.getGenericParameterTypes()) {
        collect(p, s);
      }
      for (Type x : m.getGenericExceptionTypes()) {
        collect(x, s);
      }
    }
    return out;
  }

  private static boolean visible(int modifiers, Class<?> owner) {
    return Modifier.isPublic(modifiers) || owner.isInterface()
        || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
  }

  private static Set<Class<?>> set() {
    return new java.util.HashSet<>();
  }

  private static void collect(Type type, Set<Class<?>> into) {
    collect(type, into, new java.util.HashSet<>());
  }

  /** {@code seen} stops at type variables already followed, as in {@code T extends Comparable<T>}. */
  private static void collect(Type type, Set<Class<?>> into, Set<Type> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive()) {
        into.add(c);
      }
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), into, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, into, seen);
      }
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, into, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, into, seen);
      }
    } else if (type instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), into, seen);
    } else if (type instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        collect(b, into, seen);
      }
    }
  }
}
