package dev.paaskit.samples.microcloud;

import static dev.paaskit.samples.microcloud.MainRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command explains itself without a server, and refuses what it does not know. */
class CliHelpTest {
  @ParameterizedTest
  @ValueSource(strings = {"push", "apps", "app", "scale", "start", "stop", "restart", "delete",
      "logs", "events", "env", "nodes", "drain", "resume", "serve", "demo"})
  void helpOfEveryCommand(String command) throws Exception {
    String[] r = run(command, "--help");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].startsWith("usage: paaskit " + command), r[1]);
  }

  @ParameterizedTest
  @CsvSource({"scale web --instancez 3, --instancez", "logs web --tail, --tail",
      "push --memory, --memory needs a value", "frobnicate, frobnicate",
      "logs web --recent --follow, do not go together"})
  void unknownOptionsAndCommandsAreUsageErrorsThatNameThem(String line, String named) throws Exception {
    String[] r = run(line.split(" "));
    assertEquals("2", r[0], r[1] + r[2]);
    assertTrue(r[2].contains(named), r[2]);
  }
}
