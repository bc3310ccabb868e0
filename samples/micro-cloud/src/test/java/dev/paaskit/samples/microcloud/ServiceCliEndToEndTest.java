package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code paaskit service ...} in-process against a real {@code paaskit serve} in a child JVM. */
@Timeout(120)
class ServiceCliEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private Path data;
  private ServeProcess serve;

  @AfterEach
  void stop() throws Exception {
    if (serve != null) {
      serve.close();
    }
  }

  @Test
  void aGenericServiceIsDrivenThroughTheCliAndSurvivesARestart() throws Exception {
    data = tmp.resolve("data");
    serve = ServeProcess.start(data);
    MainRuns.Run created = cli("service", "create-generic", "jobs", "--agents", "3");
    assertEquals(0, created.code(), created.err());
    assertTrue(created.out().contains("jobs-1 (master, 127.0.0.2)")
        && created.out().contains("jobs-3 (node, 127.0.0.4)"), created.out());

    Path incomplete = Files.createDirectories(tmp.resolve("incomplete"));
    Files.writeString(incomplete.resolve("run.sh"), "true\n");
    MainRuns.Run refused = cli("service", "upload-code", "jobs", incomplete.toString());
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("init.sh, interrupt.sh, cleanup.sh, notify.sh"),
        refused.err());

    Path code = Files.createDirectories(tmp.resolve("code"));
    for (String s : new String[] {"init", "interrupt", "cleanup", "notify"}) {
      Files.writeString(code.resolve(s + ".sh"), "echo " + s + " on $MY_ROLE\n");
    }
    Files.writeString(code.resolve("run.sh"),
        "echo \"hello from $MY_ROLE $MY_IP, master $MASTER_IP\"\n");
    MainRuns.Run uploaded = cli("service", "upload-code", "jobs", code.toString());
    assertEquals(0, uploaded.code(), uploaded.err());
    assertTrue(uploaded.out().contains("uploaded code version v1"), uploaded.out());
    assertEquals(0, cli("service", "activate", "jobs", "v1").code());
    assertTrue(cli("service", "code-versions", "jobs").out().startsWith("* v1"));
    awaitStatus("jobs", "init\\.sh\\s+EXITED\\s+exit 0\\s+runs 1", 3);

    MainRuns.Run ran = cli("service", "run", "jobs");
    assertEquals(0, ran.code(), ran.out() + ran.err());
    String status = awaitStatus("jobs", "run\\.sh\\s+EXITED\\s+exit 0\\s+runs 1", 3);
    assertTrue(status.contains("| hello from node 127.0.0.3, master 127.0.0.2"), status);
    assertTrue(status.contains("jobs-1           master 127.0.0.2"), status);

    assertTrue(cli("service", "add-agents", "jobs", "1").out().contains("4 agent(s)"));
    assertTrue(cli("service", "remove-agents", "jobs", "1").out().contains("3 agent(s)"));
    awaitStatus("jobs", "notify\\.sh\\s+EXITED\\s+exit 0\\s+runs 2", 3);
    MainRuns.Run tooMany = cli("service", "remove-agents", "jobs", "3");
    assertEquals(1, tooMany.code());
    assertTrue(tooMany.err().contains("keeps its master"), tooMany.err());

    assertEquals(143, serve.terminate(), "SIGTERM ends serve through its shutdown hook");
    serve = ServeProcess.start(data);
    status = awaitStatus("jobs", "init\\.sh\\s+EXITED\\s+exit 0\\s+runs 1", 3);
    assertTrue(status.startsWith("service jobs, code version v1"), status);
    assertTrue(status.contains("jobs-3           node   127.0.0.4"), status);

    assertEquals(0, cli("service", "delete", "jobs").code());
    assertEquals("no generic services", cli("service", "list").out().trim());
    assertEquals(1, cli("service", "status", "jobs").code());
  }

  private String awaitStatus(String service, String regex, int times) throws Exception {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String out = cli("service", "status", service).out();
      Matcher m = pattern.matcher(out);
      int found = 0;
      while (m.find()) {
        found++;
      }
      if (found == times) {
        return out;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("not " + times + " times /" + regex + "/ within " + WAIT + ":\n" + out);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  private MainRuns.Run cli(String... args) throws Exception {
    return MainRuns.cli(serve.apiUrl(), data, args);
  }
}
