package dev.paaskit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppSpecTest {
  @ParameterizedTest
  @ValueSource(strings = {"Hello", "-web", "web-", "a_b", "a.b", "", "caf\u00e9",
      "a234567890123456789012345678901234567890123456789012345678901234"})
  void nameMustBeADnsLabel(String name) {
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> AppSpec.builder(name).build());
    assertEquals("name", e.field());
  }

  @Test
  void memoryThatDoesNotParseNamesTheField() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> AppSpec.builder("web").memory("lots"));
    assertEquals("memory", e.field());
    assertEquals("lots", e.value());
  }

  @Test
  void negativeInstancesAreRefused() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> AppSpec.builder("web").instances(-1).build());
    assertEquals("instances", e.field());
  }

  @Test
  void secretsDoNotShowInToString() {
    AppSpec spec = AppSpec.builder("web").secretEnv("DB_PASSWORD", Secret.of("hunter2")).build();
    assertFalse(spec.toString().contains("hunter2"), spec.toString());
    assertEquals("hunter2", spec.secretEnv().get("DB_PASSWORD").reveal());
  }

  @Test
  void toBuilderKeepsEverything() {
    AppSpec spec = AppSpec.builder("web").instances(3).memory("512M").disk("2G").command("run")
        .env("A", "1").route("web.example.com").cartridge("python")
        .healthCheck(HealthCheck.http("/health")).label("tenant", "acme").build();
    assertEquals(spec, spec.toBuilder().build());
  }
}
