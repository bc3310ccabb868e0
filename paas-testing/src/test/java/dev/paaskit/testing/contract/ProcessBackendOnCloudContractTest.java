package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.BlobStore;
import dev.paaskit.api.spi.Clock;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.MessageBus;
import dev.paaskit.api.spi.StateStore;
import dev.paaskit.core.internal.util.ElasticExecutor;
import dev.paaskit.core.time.SystemClock;
import dev.paaskit.node.process.ProcessBackend;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;

/**
 * The process backend as a node makes it from its cloud's context: on the executor and clock a
 * cloud makes by default, shared by every backend of the class and closed after them.
 */
class ProcessBackendOnCloudContractTest extends ContainerBackendContract {
  private static final SystemClock CLOCK = SystemClock.create("contract-cloud");
  private static final ElasticExecutor EXECUTOR = ElasticExecutor.create(r -> {
    Thread t = new Thread(r, "contract-cloud-worker");
    t.setDaemon(true);
    return t;
  });

  /** Only the clock and executor of a cloud are a backend's business. */
  private record Context(Clock clock, Executor executor) implements CloudContext {
    @Override
    public String cloudName() {
      return "contract-cloud";
    }

    @Override
    public String domain() {
      return "localhost";
    }

    @Override
    public MessageBus bus() {
      throw new UnsupportedOperationException("a backend needs no bus");
    }

    @Override
    public StateStore stateStore() {
      throw new UnsupportedOperationException("a backend needs no state store");
    }

    @Override
    public BlobStore blobStore() {
      throw new UnsupportedOperationException("a backend needs no blob store");
    }
  }

  @AfterAll
  static void closeTheCloudsParts() {
    EXECUTOR.close();
    CLOCK.close();
  }

  @Override
  protected ContainerBackend newBackend() {
    return ProcessBackend.factory().apply(new Context(CLOCK, EXECUTOR));
  }

  /** It watches the resident memory of every tree. */
  @Override
  protected boolean enforcesMemory() {
    return true;
  }
}
