package dev.paaskit.testing;

import dev.paaskit.api.spi.ContainerBackend;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.Function;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Builds the clouds {@link PaasTest} promises and keeps each in the JUnit store of its scope (the
 * class for static fields, the test for the rest) as a closeable resource, so JUnit closes it.
 */
final class PaasTestExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PaasTestExtension.class);
  private static final String KEY = "cloud";

  /** Closes the cloud when JUnit closes the store that holds it. */
  private record Holder(TestCloud cloud) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cloud.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    for (Field field : cloudFields(context.getRequiredTestClass(), true)) {
      field.setAccessible(true);
      field.set(null, cloud(context));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    Object instance = context.getRequiredTestInstance();
    for (Field field : cloudFields(context.getRequiredTestClass(), false)) {
      field.setAccessible(true);
      field.set(instance, cloud(context));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestCloud.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cloud(context);
  }

  /**
   * The cloud of {@code context}'s own scope, built on first use. Keyed by the context's id: a
   * store lookup falls through to the parent scopes, and a test must not get its class's cloud.
   */
  private static TestCloud cloud(ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY + context.getUniqueId(),
        k -> new Holder(build(context)), Holder.class).cloud();
  }

  private static TestCloud build(ExtensionContext context) {
    PaasTest options = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), PaasTest.class)
        .orElseThrow(() -> new ExtensionConfigurationException(
            context.getRequiredTestClass().getName() + " is not annotated @PaasTest"));
    Function<String, ContainerBackend> backends = options.router()
        ? id -> FakeBackend.serveHttp() : id -> FakeBackend.create();
    TestCloud.Builder builder = TestCloud.builder().name(context.getRequiredTestClass().getSimpleName())
        .nodes(options.nodes()).nodeCapacity(options.nodeMemory(), options.nodeDisk())
        .zones(options.zones()).router(options.router()).backends(backends);
    try {
      options.configure().getDeclaredConstructor().newInstance().configure(builder);
    } catch (ReflectiveOperationException e) {
      throw new ExtensionConfigurationException("cannot make " + options.configure().getName()
          + " with a public no-argument constructor", e);
    }
    return builder.build();
  }

  private static java.util.List<Field> cloudFields(Class<?> type, boolean statics) {
    return org.junit.platform.commons.support.ReflectionSupport.findFields(type, f -> f.getType() == TestCloud.class
        && Modifier.isStatic(f.getModifiers()) == statics,
        org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN);
  }
}
