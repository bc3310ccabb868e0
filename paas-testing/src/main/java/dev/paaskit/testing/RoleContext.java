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
 * or a faulty blob store, so that faults reach one role only. Everything else is the cloud's,
 * except the controller and the other roles: those it does not pass on, so {@link #controller()}
 * and {@link #role(Class)} are always empty.
 *
 * <pre>{@code
 * PartitionableBus link = PartitionableBus.over(cloudBus);
 * kit.addRole(ctx -> NodeAgent.builder()...create(new RoleContext(ctx, link, ctx.blobStore())));
 * }</pre>
 *
 * @param cloud the cloud's own context, for the name, domain, state store, clock and executor
 * @param bus the bus the role talks on instead of the cloud's
 * @param blobStore the blob store the role uses instead of the cloud's
 */
public record RoleContext(CloudContext cloud, MessageBus bus, BlobStore blobStore)
    implements CloudContext {
  /**
   * Checks the parts are present.
   *
   * @param cloud not null
   * @param bus not null
   * @param blobStore not null
   * @throws NullPointerException if a part is null
   */
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
