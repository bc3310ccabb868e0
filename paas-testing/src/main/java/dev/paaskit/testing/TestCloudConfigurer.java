package dev.paaskit.testing;

/**
 * Adjusts the {@link TestCloud} that {@link PaasTest} builds: a placement rule, container
 * backends, a restart policy. Named in {@link PaasTest#configure()}; made with its no-argument
 * constructor, once per cloud, after the annotation's own options are applied.
 *
 * <pre>{@code
 * public class GpuNodes implements TestCloudConfigurer {
 *   public void configure(TestCloud.Builder cloud) {
 *     cloud.placement(myPlacement).backends(node -> new MyBackend(node));
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TestCloudConfigurer {
  /**
   * Sets what the cloud needs beyond the annotation's options; the cloud is built right after.
   *
   * @param cloud the builder, with the annotation's options applied
   */
  void configure(TestCloud.Builder cloud);

  /** Changes nothing: the default of {@link PaasTest#configure()}. */
  final class None implements TestCloudConfigurer {
    @Override
    public void configure(TestCloud.Builder cloud) {}
  }
}
