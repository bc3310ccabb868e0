package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.ByteSize;
import dev.paaskit.api.Hooks;
import dev.paaskit.api.InvalidSpecException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StackatoManifestTest {
  private final ManifestParser parser = ManifestParser.create();

  private Manifest parse(String yaml) {
    return parser.parseStackato(yaml, "stackato.yml");
  }

  @Test
  void everyStackatoKeyOfTheIssueIsRead() {
    Manifest manifest = parse("""
        name: shop
        mem: 1G
        instances: 2
        url:
        - ${name}.example.com
        - www.example.com/shop
        env:
          MODE: prod
          LEVEL:
            default: 3
            required: true
        processes:
          web: python app.py --port $PORT
        hooks:
          pre-staging: echo pre
          post-staging:
          - make
          - make install
          pre-running:
          - ./migrate
        ignores: [.git, tmp]
        framework:
          type: python
        colour: blue
        """);
    ManifestApp app = manifest.apps().get(0);
    assertEquals(Optional.of("shop"), app.name());
    assertEquals(Optional.of(ByteSize.parse("mem", "1G")), app.memory());
    assertEquals(Optional.of(2), app.instances());
    assertEquals(List.of("shop.example.com", "www.example.com"), app.routes());
    assertEquals(Map.of("MODE", "prod", "LEVEL", "3"), app.env());
    assertEquals(Optional.of("python app.py --port $PORT"), app.command());
    assertEquals(new Hooks(List.of("echo pre"), List.of("make", "make install"),
        List.of("./migrate")), app.hooks());
    assertEquals(List.of(".git", "tmp"), app.ignores());
    assertEquals(Optional.of("python"), app.cartridge());
    assertEquals(List.of(
        "url[1] at line 6: route 'www.example.com/shop' has a path '/shop', which PaaSKit "
            + "does not route by; the app gets all of 'www.example.com'",
        "key 'required' in env.LEVEL at line 11 is not supported by PaaSKit, ignored",
        "unknown key 'colour' at line 24, ignored"), manifest.warnings());

    AppSpec spec = app.toSpecBuilder().build();
    assertEquals(List.of("shop.example.com", "www.example.com"), spec.routes());
    assertEquals(Optional.of("python app.py --port $PORT"), spec.command());
    assertEquals(2, spec.instances());
  }

  @Test
  void aSingleUrlAndPlainMegabytes() {
    ManifestApp app = parse("name: tiny\nmem: 64\nurl: tiny.example.com\n").apps().get(0);
    assertEquals(List.of("tiny.example.com"), app.routes());
    assertEquals(Optional.of(ByteSize.ofMegabytes(64)), app.memory());
  }

  @Test
  void wrongValuesNameTheKeyAndLine() {
    InvalidSpecException mem = assertThrows(InvalidSpecException.class,
        () -> parse("name: shop\nmem: lots\n"));
    assertEquals("mem (line 2)", mem.field());
    assertEquals("lots", mem.value());

    InvalidSpecException hook = assertThrows(InvalidSpecException.class,
        () -> parse("name: shop\nhooks:\n  post-staging:\n    run: make\n"));
    assertEquals("hooks.post-staging (line 4)", hook.field());
    assertTrue(hook.getMessage().contains("must be a list of text"), hook.getMessage());

    InvalidSpecException url = assertThrows(InvalidSpecException.class,
        () -> parse("name: shop\nurl: http://shop.example.com\n"));
    assertEquals("url (line 2)", url.field());

    InvalidSpecException several = assertThrows(InvalidSpecException.class,
        () -> parse("applications:\n  .:\n    name: a\n"));
    assertEquals("applications (line 2)", several.field());
  }

  @Test
  void commandWithAWebProcessIsIgnoredWithAWarning() {
    Manifest manifest = parse("name: both\ncommand: worker\nprocesses:\n  web: server\n");
    assertEquals(Optional.of("server"), manifest.apps().get(0).command());
    assertEquals(List.of("command at line 2: ignored: processes.web at line 4 gives the web "
        + "command"), manifest.warnings());
  }
}
