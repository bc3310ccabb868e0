package dev.paaskit.cartridges;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import dev.paaskit.api.spi.Detection;
import dev.paaskit.api.spi.StagingContext;
import dev.paaskit.api.spi.StagingResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * JVM apps shipped as a runnable jar at the top of the folder: a {@code .jar} whose manifest
 * names a {@code Main-Class}. When several are, the first by name is run.
 */
final class JavaCartridge implements Cartridge {
  @Override
  public String name() {
    return "java";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public Detection detect(Path appDir) throws IOException {
    Optional<RunnableJar> jar = runnableJar(appDir);
    return jar.map(j -> Detection.yes("runnable jar " + j.name() + " (Main-Class "
            + j.mainClass() + ")"))
        .orElseGet(() -> Detection.no("java: a runnable .jar (with a Main-Class) at the top"));
  }

  @Override
  public StagingResult stage(StagingContext context) throws IOException {
    Path buildDir = context.buildDir();
    Optional<String> web = AppFiles.procfileWeb(buildDir);
    if (web.isPresent()) {
      return new StagingResult(web.get(), Map.of());
    }
    RunnableJar jar = runnableJar(buildDir).orElseThrow(() -> new StagingException(
        "no runnable jar (a .jar with a Main-Class) at the top of the app", List.of()));
    return new StagingResult("exec " + AppFiles.JAVA + " $JAVA_OPTS -Dserver.port=$PORT -jar "
        + AppFiles.shellQuote(jar.name()), Map.of());
  }

  private record RunnableJar(String name, String mainClass) {
  }

  private static Optional<RunnableJar> runnableJar(Path appDir) throws IOException {
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(appDir, "*.jar")) {
      files.forEach(jars::add);
    }
    jars.sort(null);
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      String mainClass = mainClass(jar);
      if (mainClass != null) {
        return Optional.of(new RunnableJar(jar.getFileName().toString(), mainClass));
      }
    }
    return Optional.empty();
  }

  /** The jar's Main-Class, or null when it has none or is not a readable jar. */
  private static String mainClass(Path jar) {
    try (JarFile file = new JarFile(jar.toFile(), false)) {
      Manifest manifest = file.getManifest();
      String mainClass = manifest == null ? null
          : manifest.getMainAttributes().getValue("Main-Class");
      return mainClass == null || mainClass.isBlank() ? null : mainClass.strip();
    } catch (IOException | SecurityException e) {
      // Not a jar this cartridge can run; detection moves on to the next file.
      return null;
    }
  }
}
