package dev.paaskit.testing.contract;

import dev.paaskit.api.spi.CartridgeSource;
import dev.paaskit.cartridges.BuildpackDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder of two Heroku-style buildpacks written as shell scripts: one detects apps with a
 * {@code hello.txt} and compiles with its cache folder, the other detects nothing.
 */
class BuildpackDirectoryContractTest extends CartridgeSourceContract {
  @Override
  protected CartridgeSource newSource() throws IOException {
    Path packs = dir.resolve("buildpacks");
    buildpack(packs.resolve("hello"), "[ -f \"$1/hello.txt\" ] || exit 1\necho hello",
        "set -e\necho compiling\ndate > \"$2/last-build\"\ncp \"$3/APP_ENV\" \"$1/app-env\"",
        "echo 'default_process_types: {web: cat app-env}'");
    buildpack(packs.resolve("never"), "exit 1", "exit 0", null);
    return BuildpackDirectory.open(packs);
  }

  private static void buildpack(Path root, String detect, String compile, String release)
      throws IOException {
    script(root.resolve("bin/detect"), detect);
    script(root.resolve("bin/compile"), compile);
    if (release != null) {
      script(root.resolve("bin/release"), release);
    }
  }

  private static void script(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Override
  protected Path appItDetects(Path parent) throws IOException {
    Path app = Files.createDirectories(parent.resolve("hello-app"));
    Files.writeString(app.resolve("hello.txt"), "hello\n");
    return app;
  }
}
