package dev.paaskit.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test a ready {@link TestCloud}: in-process bus, in-memory stores, fake nodes and
 * a virtual clock. A {@code static TestCloud} field gets one cloud shared by the class; an
 * instance field or a test method parameter of type {@code TestCloud} gets a fresh one for each
 * test (a field and a parameter of the same test share it). Every cloud is closed after its scope,
 * whatever the outcome.
 *
 * <pre>{@code
 * @PaasTest(nodes = 2, nodeMemory = "1G")
 * class PlacementTest {
 *   @Test
 *   void spreads(TestCloud cloud) {
 *     cloud.push(AppSpec.builder("web").instances(4).build());
 *     cloud.awaitRunning("web", 4);
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PaasTestExtension.class)
public @interface PaasTest {
  /** How many nodes, named {@code n1} to {@code nN}. */
  int nodes() default 3;

  /** Each node's memory, such as {@code 4G}. */
  String nodeMemory() default "4G";

  /** Each node's disk, such as {@code 20G}. */
  String nodeDisk() default "20G";

  /** Zones given to the nodes in turn; none by default. */
  String[] zones() default {};

  /** Whether to run the real router (instances then answer HTTP on loopback). */
  boolean router() default false;

  /** Further adjustments, such as a custom placement rule or container backend. */
  Class<? extends TestCloudConfigurer> configure() default TestCloudConfigurer.None.class;
}
