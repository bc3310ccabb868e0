package dev.paaskit.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paaskit.api.AppSpec;
import dev.paaskit.api.AppState;
import dev.paaskit.api.PackageState;
import dev.paaskit.api.PlacementConstraints;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The app record the controller stores survives JSON with the spec's labels, which the health
 * manager reads back to place instances; a record stored before labels existed reads as none.
 */
@Timeout(10)
class StoredAppRecordJsonTest {
  private static final AppSpec SPEC = AppSpec.builder("web").instances(2)
      .placement(PlacementConstraints.none().withZones(Set.of("eu")))
      .label("tenant", "acme").label("example.com/team", "").build();

  private static AppRecord record(SpecRecord spec) {
    DropletRecord droplet = new DropletRecord("ab".repeat(32), "cd".repeat(32), "python",
        "./run", Map.of("A", "1"), 1234, 1_700_000_000_000L);
    return new AppRecord("app-1", spec, AppState.STARTED, PackageState.STAGED, "cd".repeat(32),
        99, 1_700_000_000_001L, null, droplet, 3, 1_700_000_000_002L, 1_700_000_000_003L,
        new AppRecord.Previous(2, spec, droplet), 0);
  }

  @Test
  void labelsSurviveTheStoredRecordAndComeBackInTheSpec() {
    AppRecord stored = record(SpecRecord.of(SPEC));
    byte[] json = Json.write(stored);
    assertTrue(new String(json, StandardCharsets.UTF_8)
        .contains("\"labels\":{"), new String(json, StandardCharsets.UTF_8));
    AppRecord read = Json.read(json, AppRecord.class);
    assertEquals(stored, read);
    assertEquals(Map.of("tenant", "acme", "example.com/team", ""), read.spec().labels());
    assertEquals(SPEC, read.spec().toSpec());
    assertEquals(SPEC.labels(), read.toApp("localhost", 1).spec().labels());
  }

  @Test
  void aRecordStoredBeforeLabelsReadsAsHavingNone() {
    String json = new String(Json.write(SpecRecord.of(SPEC.toBuilder().labels(Map.of())
        .build())), StandardCharsets.UTF_8);
    String old = json.replace(",\"labels\":{}", "");
    assertFalse(old.contains("labels"), old);
    SpecRecord read = Json.read(old.getBytes(StandardCharsets.UTF_8), SpecRecord.class);
    assertEquals(Map.of(), read.labels());
    assertEquals(Map.of(), read.toSpec().labels());
  }

  @Test
  void aChangeOfLabelsRollsInstancesOutAsAChangeOfPlacementDoes() {
    SpecRecord acme = SpecRecord.of(SPEC);
    assertFalse(acme.instancesDifferFrom(SpecRecord.of(SPEC.toBuilder().instances(5).build())));
    assertTrue(acme.instancesDifferFrom(
        SpecRecord.of(SPEC.toBuilder().label("tenant", "globex").build())));
    assertTrue(acme.toString().contains("labels="), acme.toString());
  }
}
