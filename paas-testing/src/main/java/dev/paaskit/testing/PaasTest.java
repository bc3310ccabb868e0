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
  /**
   * How many nodes the cloud has.
   *
   * @return 0 to 10,000, named {@code n1} to {@code nN}; 3 by default
   */
  int nodes() default 3;

  /**
   * Each node's memory.
   *
   * @return a size such as {@code 4G}, as {@link dev.paaskit.api.ByteSize#parse} reads it; a
   *     bad one fails the cloud's build, naming {@code memory}
   */
  String nodeMemory() default "4G";

  /**
   * Each node's disk.
   *
   * @return a size such as {@code 20G}; a bad one fails the cloud's build, naming {@code disk}
   */
  String nodeDisk() default "20G";

  /**
   * Zones given to the nodes in turn: with {@code {"z1", "z2"}}, n1 is in z1, n2 in z2, n3 in z1.
   *
   * @return the zones; none by default
   */
  String[] zones() default {};

  /**
   * Whether to run the real router; the nodes then get {@link FakeBackend#serveHttp()}
   * backends, whose instances answer HTTP on loopback.
   *
   * @return true to run it; false by default
   */
  boolean router() default false;

  /**
   * Further adjustments, such as a custom placement rule or container backend, applied after
   * the options above, so it may replace them.
   *
   * @return a class with a public no-argument constructor, made once per cloud; the extension
   *     fails the test with a configuration error when it cannot make one
   */
  Class<? extends TestCloudConfigurer> configure() default TestCloudConfigurer.None.class;
}
