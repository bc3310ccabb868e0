package dev.paaskit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.App;
import dev.paaskit.api.AppSpec;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.spi.CloudContext;
import dev.paaskit.api.spi.ContainerBackend;
import dev.paaskit.api.spi.ContainerInfo;
import dev.paaskit.api.spi.ContainerSpec;
import dev.paaskit.api.spi.ExitStatus;
import dev.paaskit.cartridges.BuildpackDirectory;
import dev.paaskit.core.PaasCloud;
import dev.paaskit.core.PaasKit;
import dev.paaskit.core.archive.ArchiveLimits;
import dev.paaskit.core.blob.InMemoryBlobStore;
import dev.paaskit.core.internal.archive.ArchiveExtractor;
import dev.paaskit.node.process.ProcessBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real buildpack, written as shell scripts, stages an app through paas-node's process backend
 * given as the cloud's staging backend: detection, a pre-staging hook, compile and release each
 * run as one of its containers, and the droplet holds what they wrote.
 */
@Timeout(60)
class StagingOnProcessBackendTest {
  @TempDir Path tmp;
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private final List<String> created = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  /** The process backend, noting the command of each container it is asked to create. */
  private final class Noting implements ContainerBackend {
    private final ContainerBackend real;

    Noting(ContainerBackend real) {
      this.real = real;
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public void create(ContainerSpec spec) throws IOException {
      created.add(spec.command());
      real.create(spec);
    }

    @Override
    public void start(String id) throws IOException {
      real.start(id);
    }

    @Override
    public CompletableFuture<ExitStatus> stop(String id, Duration grace) {
      return real.stop(id, grace);
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
      return real.inspect(id);
    }

    @Override
    public List<String> list() {
      return real.list();
    }

    @Override
    public void remove(String id) throws IOException {
      real.remove(id);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private static void script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aBuildpackStagesThroughTheProcessBackend() throws Exception {
    Path packs = tmp.resolve("buildpacks");
    script(packs.resolve("greeter/bin/detect"), "[ -f \"$1/greeting.txt\" ] || exit 1\n"
        + "echo Greeter");
    script(packs.resolve("greeter/bin/compile"), "set -e\necho \"compiling for $COLOUR\"\n"
        + "echo \"$(cat \"$1/greeting.txt\"), $COLOUR\" > \"$1/compiled.txt\"\n"
        + "echo seen > \"$2/cache-mark\"");
    script(packs.resolve("greeter/bin/release"),
        "echo 'default_process_types: {web: cat compiled.txt}'");
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("greeting.txt"), "hello");
    Noting[] backend = new Noting[1];

    App staged;
    try (PaasCloud cloud = PaasKit.builder().workDir(tmp.resolve("cloud")).blobStore(blobs)
        .cartridges(BuildpackDirectory.open(packs))
        .stagingBackend((CloudContext context) -> {
          backend[0] = new Noting(ProcessBackend.factory().apply(context));
          return backend[0];
        }).build().start()) {
      staged = cloud.controller().push(AppSpec.builder("greeter-app").env("COLOUR", "blue")
              .hooks(new Hooks(List.of("echo \"pre $COLOUR\" > pre.txt"), List.of(), List.of()))
              .build(), app, log::add)
          .staged().get(30, TimeUnit.SECONDS);
      assertEquals(List.of(), backend[0].list(), "every staging container was removed");
    }

    assertEquals(4, created.size(), created.toString());
    assertTrue(created.get(0).contains("greeter/bin/detect"), created.toString());
    assertTrue(created.get(1).endsWith("echo \"pre $COLOUR\" > pre.txt"), created.toString());
    assertTrue(created.get(2).contains("greeter/bin/compile"), created.toString());
    assertTrue(created.get(3).contains("greeter/bin/release"), created.toString());
    assertTrue(log.contains("compiling for blue"), log.toString());
    Path droplet = Files.createDirectories(tmp.resolve("droplet"));
    try (InputStream in = blobs.open(staged.dropletSha256().orElseThrow()).orElseThrow()) {
      droplet = ArchiveExtractor.create(ArchiveLimits.defaults()).extractTarGz(in, droplet);
    }
    assertEquals("hello, blue\n", Files.readString(droplet.resolve("compiled.txt")));
    assertEquals("pre blue\n", Files.readString(droplet.resolve("pre.txt")));
    assertFalse(Files.exists(droplet.resolve("cache-mark")), "the cache is not the droplet");
    try (var caches = Files.walk(tmp.resolve("cloud"))) {
      assertTrue(caches.anyMatch(p -> p.endsWith("buildpack/cache-mark")),
          "compile wrote to its writable cache");
    }
  }
}
