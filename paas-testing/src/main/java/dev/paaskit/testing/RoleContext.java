package dev.paaskit.testing;

import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.StateStore;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A role's view of its cloud with its own bus and blob store, such as a {@link PartitionableBus}
 * or a {@link FaultyBlobStore}, so that faults reach one role only:
 *
 * <pre>{@code
 * PartitionableBus link = PartitionableBus.over(cloudBus);
 * kit.addRole(ctx -> NodeAgent.builder()...create(new RoleContext(ctx, link, ctx.blobStore())));
 * }</pre>
 */
public record RoleContext(CloudContext cloud, MessageBus bus, BlobStore blobStore)
    implements CloudContext {
  public RoleContext {
    Objects.requireNonNull(cloud, "cloud");
    Objects.requireNonNull(bus, "bus");
    Objects.requireNonNull(blobStore, "blobStore");
  }

  @Override
  public String cloudName() {
    return cloud.cloudName();
  }

  @Override
  public String domain() {
    return cloud.domain();
  }

  @Override
  public StateStore stateStore() {
    return cloud.stateStore();
  }

  @Override
  public Clock clock() {
    return cloud.clock();
  }

  @Override
  public Executor executor() {
    return cloud.executor();
  }
}
