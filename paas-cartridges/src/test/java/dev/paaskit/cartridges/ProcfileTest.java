package dev.paaskit.cartridges;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class ProcfileTest {
  @Test
  void parsesTypesInFileOrderSkippingBlanksAndComments() {
    Map<String, String> processes = Procfile.parse("\uFEFF# comment\r\n\r\n"
        + "web:   bundle exec rails s -p $PORT  \r\n"
        + "  worker_2: celery worker\n"
        + "release-task:./bin/release\r"
        + "   # indented comment\n");

    assertEquals(List.of("web", "worker_2", "release-task"), List.copyOf(processes.keySet()));
    assertEquals("bundle exec rails s -p $PORT", processes.get("web"));
    assertEquals("celery worker", processes.get("worker_2"));
    assertEquals("./bin/release", processes.get("release-task"));
    assertTrue(Procfile.parse("").isEmpty());
  }

  @Test
  void keepsColonsAndShellSyntaxInTheCommand() {
    assertEquals("gunicorn app:app --bind 0.0.0.0:${PORT:-5000} && echo done",
        Procfile.parse("web: gunicorn app:app --bind 0.0.0.0:${PORT:-5000} && echo done")
            .get("web"));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("web: ok\nthis is not a process line\n", 2, "expected 'type: command'"),
        Arguments.of("web: ok\n\nweb : again\n", 3, "already given on line 1"),
        Arguments.of("# only\nweb:\n", 2, "no command after 'web:'"),
        Arguments.of("we b: x", 1, "expected 'type: command'"),
        Arguments.of("web.1: x", 1, "expected 'type: command'"),
        Arguments.of(": x", 1, "expected 'type: command'"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void refusesAMalformedLineNamingItsNumberAndContent(String text, int line, String problem) {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> Procfile.parse(text));

    assertEquals("Procfile line " + line, e.field());
    assertEquals(text.split("\n", -1)[line - 1], e.value());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("Procfile line " + line + " '" + e.value() + "'"),
        e.getMessage());
  }

  static List<Path> corpus() {
    return Corpus.files("procfiles");
  }

  @ParameterizedTest
  @MethodSource("corpus")
  @ExtendWith(Corpus.Required.class)
  void everyCorpusProcfileParsesWithAWebProcess(Path file) throws IOException {
    Map<String, String> processes = Procfile.read(file);

    assertTrue(processes.containsKey("web"), file + ": " + processes);
    assertTrue(processes.values().stream().noneMatch(String::isBlank), processes.toString());
  }

  @Test
  void readsTheCorpusAsWritten() throws IOException {
    Path dir = Corpus.folder("procfiles");
    Map<String, String> trading = Procfile.read(dir.resolve("IntelligentTrading__core__Procfile"));
    assertEquals(List.of("release", "web", "worker", "scheduler", "pollqueue", "infobot",
        "redis_TA_restore", "redis_TA_worker", "redis_TA_fill_gaps"),
        List.copyOf(trading.keySet()));
    assertEquals("python manage.py TA_fill_gaps", trading.get("redis_TA_fill_gaps"));
    assertEquals("java $JAVA_OPTS -jar target/dependency/jetty-runner.jar --port $PORT "
        + "target/*.war", Procfile.read(dir.resolve("Stackato-Apps__hello-java-mysql__Procfile"))
        .get("web"));
    assertEquals(Map.of("release", "./bin/heroku/release-tasks.sh",
        "web", "./bin/rails server -p ${PORT:-5000}"),
        Procfile.read(dir.resolve("Ruby-Starter-Kits__Docker-Rails-Template__Procfile")));
    assertEquals(Map.of("web", "gunicorn --config gunicorn.conf.py gettingstarted.wsgi"),
        Procfile.read(dir.resolve("heroku__python-getting-started__Procfile")));
  }
}
