package dev.paaskit.samples.microcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code paaskit demo} as a user runs it: it must exit 0 and print what the README promises. */
@Timeout(120)
class DemoTest {
  @Test
  void demoPrintsSixAnswersFromSeveralInstancesAndTheLatency() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code = Main.run(new String[] {"demo"}, out, out);
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    long answers = printed.lines().filter(l -> l.matches("request \\d -> 200 Hello from hello instance \\d.*")).count();
    assertEquals(6, answers, printed);
    assertTrue(Pattern.compile("(?m)^push-to-first-request: \\d+ ms$").matcher(printed).find(), printed);
  }
}
