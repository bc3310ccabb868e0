package dev.paaskit.testing.rest;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cartridge for folders holding a file named {@code gate}: it logs a line, then waits until the
 * test opens the gate, so a test can see staging lines arrive while staging still runs.
 */
final class GateCartridge implements Cartridge {
  static final String MARKER = "gate";
  static final String WAITING = "waiting at the gate";

  private final CountDownLatch open = new CountDownLatch(1);

  void open() {
    open.countDown();
  }

  @Override
  public String name() {
    return "gate";
  }

  @Override
  public String version() {
    return "1";
  }

  @Override
  public Detection detect(Path appDir) {
    return Files.isRegularFile(appDir.resolve(MARKER)) ? Detection.yes(MARKER)
        : Detection.no("a file named " + MARKER);
  }

  @Override
  public StagingResult stage(StagingContext context) {
    context.log().accept(WAITING);
    try {
      if (!open.await(20, TimeUnit.SECONDS)) {
        throw new StagingException("the gate stayed shut", List.of(WAITING));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StagingException("interrupted at the gate", List.of(WAITING), e);
    }
    context.log().accept("through the gate");
    return new StagingResult("serve gate", Map.of());
  }
}
