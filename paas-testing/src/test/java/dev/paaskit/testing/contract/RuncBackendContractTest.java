package dev.paaskit.testing.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.node.runc.RuncBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runc containers, as root with runc on the path ({@code ./paaskit test} installs it; where
 * either is missing the tests are skipped, saying why).
 */
class RuncBackendContractTest extends ContainerBackendContract {
  private static final int PIDS = 64;
  private static final java.util.Optional<String> UNAVAILABLE = RuncBackend.unavailableBecause();

  @TempDir Path state;

  @Override
  protected ContainerBackend newBackend() throws Exception {
    assumeTrue(UNAVAILABLE.isEmpty(), () -> "needs root and a working runc: " + UNAVAILABLE);
    return RuncBackend.builder().stateDir(state).pidsLimit(PIDS)
        .diskPollInterval(Duration.ofMillis(200)).build();
  }

  /** runc sets HOME from the user's passwd entry, or to /, when the spec has none. */
  @Override
  protected Set<String> shellVariables() {
    Set<String> all = new HashSet<>(super.shellVariables());
    all.add("HOME");
    return all;
  }

  @Override
  protected OptionalInt pidsLimit() {
    return OptionalInt.of(PIDS);
  }
}
