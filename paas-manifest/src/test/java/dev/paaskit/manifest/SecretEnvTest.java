package dev.paaskit.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.InvalidSpecException;
import dev.paaskit.api.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PaaSKit's secret-env extension: the values reach the spec and nothing prints them. */
@Timeout(10)
class SecretEnvTest {
  private static final String SECRET = "hunter2-s3cret";
  private final ManifestParser parser = ManifestParser.create();

  @Test
  void secretValuesReachTheSpecButNoStringShowsThem() {
    Manifest manifest = parser.parseCloudFoundry("""
        applications:
        - name: shop
          env:
            MODE: prod
          secret-env:
            DB_PASSWORD: hunter2-s3cret
            API_KEY: ((api_key))
            bad-name: hunter2-s3cret
        """, "manifest.yml", Map.of("api_key", "k-" + SECRET));
    ManifestApp app = manifest.apps().get(0);
    assertEquals(Secret.of(SECRET), app.secretEnv().get("DB_PASSWORD"));
    assertEquals("k-" + SECRET, app.secretEnv().get("API_KEY").reveal());
    assertFalse(manifest.toString().contains(SECRET), manifest.toString());
    assertFalse(app.toString().contains(SECRET));
    assertFalse(String.join("\n", manifest.warnings()).contains(SECRET), "a warning names it");
    assertTrue(manifest.warnings().stream().anyMatch(w -> w.contains("'bad-name'")));

    Map<String, Secret> secrets = Map.of("DB_PASSWORD", Secret.of(SECRET));
    AppSpec spec = new ManifestApp(app.name(), app.path(), app.instances(), app.memory(),
        app.disk(), app.command(), app.buildpacks(), app.cartridge(), app.env(), secrets,
        app.services(), app.routes(), false, false, app.healthCheckType(),
        app.healthCheckHttpEndpoint(), app.timeout(), app.processes(), app.ignores(),
        app.hooks(), app.placement(), app.labels()).toSpecBuilder().build();
    assertEquals(SECRET, spec.secretEnv().get("DB_PASSWORD").reveal());
    assertEquals(Map.of("MODE", "prod"), spec.env());
    assertFalse(spec.toString().contains(SECRET));
  }

  @Test
  void errorsAboutSecretValuesDoNotShowThem() {
    InvalidSpecException undefined = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry("""
            applications:
            - name: shop
              secret-env:
                TOKEN: "hunter2-s3cret-((suffix))"
            """, "manifest.yml", Map.of()));
    assertEquals("applications[0].secret-env.TOKEN (line 4)", undefined.field());
    assertFalse(undefined.getMessage().contains(SECRET), undefined.getMessage());

    InvalidSpecException list = assertThrows(InvalidSpecException.class,
        () -> parser.parseCloudFoundry("""
            applications:
            - name: shop
              secret-env:
                TOKEN: [hunter2-s3cret]
            """, "manifest.yml", Map.of()));
    assertEquals("******", list.value());
    assertFalse(list.getMessage().contains(SECRET), list.getMessage());

    InvalidSpecException both = assertThrows(InvalidSpecException.class,
        () -> parser.parseStackato("""
            name: shop
            env:
              TOKEN: plain
            secret-env:
              TOKEN: hunter2-s3cret
            """, "stackato.yml"));
    assertEquals("secret-env.TOKEN (line 5)", both.field());
    assertFalse(both.getMessage().contains(SECRET), both.getMessage());
  }
}
