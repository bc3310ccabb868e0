package dev.paaskit.core.internal.stager;

import dev.paaskit.api.Droplet;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.spi.ResourceLimits;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Turns a stored package into a droplet. The in-process stager, or one across the bus. */
public interface StagingService {
  /**
   * Stages {@code packageSha256} for {@code appName}.
   *
   * @param cartridge the cartridge to use; empty to detect one
   * @param env the app's plain environment, visible to the cartridge's build and the hooks
   * @param hooks pre- and post-staging commands run around the cartridge's build
   * @param limits what each container of the staging may use: the app's memory and disk
   * @param log receives each line of output as it is produced
   * @return completes with the droplet, or exceptionally with a StagingException
   */
  CompletableFuture<Droplet> stage(String appName, String packageSha256, Optional<String> cartridge,
      Map<String, String> env, Hooks hooks, ResourceLimits limits, Consumer<String> log);
}
