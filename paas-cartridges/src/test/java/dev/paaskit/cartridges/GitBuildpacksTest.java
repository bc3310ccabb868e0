package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.StagingException;
import dev.paaskit.api.spi.Cartridge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real clones with the git on the PATH, of repositories the tests make, over file:// URLs. */
@Timeout(60)
class GitBuildpacksTest {
  @TempDir Path temp;
  private Path repo;
  private String url;
  private GitBuildpacks git;

  @BeforeEach
  void makeRepository() throws Exception {
    repo = BuildpackTest.buildpack(temp.resolve("repos"), "hello-bp.git", BuildpackTest.DETECT,
        BuildpackTest.COMPILE, BuildpackTest.RELEASE);
    git(repo, "init", "--quiet", "--initial-branch=main");
    commit("first");
    url = "file://" + repo;
    git = GitBuildpacks.builder().cacheDir(temp.resolve("clones")).timeout(Duration.ofSeconds(30))
        .allowFileUrls(true).build();
  }

  static void git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Test",
        "-c", "user.email=test@example.com"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "git " + List.of(args) + " still runs");
    assertEquals(0, p.exitValue(), "git " + List.of(args) + ": " + output);
  }

  private void commit(String message) throws Exception {
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", message);
  }

  @Test
  void clonesAUrlOnceAndStagesWithIt() throws Exception {
    Cartridge pack = git.find(url).orElseThrow();

    assertEquals(url, pack.name());
    assertTrue(pack.version().matches("git-[0-9a-f]{12}"), pack.version());
    Path app = TestSupport.write(temp.resolve("app/hello.txt"), "hi\n").getParent();
    List<String> log = TestSupport.newLog();
    assertEquals(Map.of("MODE", "yes"), pack.stage(new dev.paaskit.api.spi.StagingContext("app",
        app, Files.createDirectories(temp.resolve("cache")), Map.of("GREETING", "hi"), log::add,
        Duration.ofSeconds(20))).env());
    assertTrue(log.contains("cache empty"), log.toString());

    TestSupport.write(repo.resolve("lib/new.sh"), "echo new\n");
    commit("second");
    assertEquals(pack.version(), git.find(url).orElseThrow().version(), "the clone is reused");
    try (Stream<Path> clones = Files.list(temp.resolve("clones"))) {
      assertEquals(1, clones.count());
    }
  }

  @Test
  void aRefAfterTheHashClonesThatBranchOrTag() throws Exception {
    String first = git.find(url).orElseThrow().version();
    TestSupport.write(repo.resolve("lib/new.sh"), "echo new\n");
    commit("second");
    git(repo, "tag", "v2");

    Cartridge tagged = git.find(url + "#v2").orElseThrow();

    assertEquals(url + "#v2", tagged.name());
    assertNotEquals(first, tagged.version());
  }

  @Test
  void namesThatAreNotGitUrlsAreNotFound() {
    assertEquals(Optional.empty(), git.find("python"));
    assertEquals(Optional.empty(), git.find("my-buildpack"));
    assertEquals(List.of(), git.cartridges());
  }

  @Test
  void failuresSayWhatWentWrongAndLeaveNothingInTheCache() throws Exception {
    StagingException missing = assertThrows(StagingException.class,
        () -> git.find("file://" + temp.resolve("no-such-repo")));
    assertTrue(missing.getMessage().contains("git clone failed with exit status"),
        missing.getMessage());
    assertTrue(String.join("\n", missing.output()).contains("no-such-repo"), missing.output().toString());

    Path notPack = temp.resolve("repos/not-a-buildpack");
    TestSupport.write(notPack.resolve("README"), "hello\n");
    git(notPack, "init", "--quiet");
    git(notPack, "add", "-A");
    git(notPack, "commit", "--quiet", "-m", "readme");
    StagingException notABuildpack = assertThrows(StagingException.class,
        () -> git.find("file://" + notPack));
    assertTrue(notABuildpack.getMessage().contains("is not a buildpack")
        && notABuildpack.getMessage().contains("has no bin/detect"), notABuildpack.getMessage());

    StagingException option = assertThrows(StagingException.class,
        () -> git.find(url + "#--upload-pack=touch"));
    assertTrue(option.getMessage().contains("'--upload-pack=touch' is not a branch or tag name"),
        option.getMessage());

    GitBuildpacks strict = GitBuildpacks.builder().cacheDir(temp.resolve("strict")).build();
    StagingException refused = assertThrows(StagingException.class, () -> strict.find(url));
    assertTrue(refused.getMessage().contains("file: URLs are not allowed"), refused.getMessage());
    assertTrue(Files.notExists(temp.resolve("strict")));
    try (Stream<Path> left = Files.list(temp.resolve("clones"))) {
      assertEquals(List.of(), left.toList(), "nothing is kept of a failed clone");
    }
  }
}
