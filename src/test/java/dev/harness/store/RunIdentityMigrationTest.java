package dev.harness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.harness.study.kl.KlSchema;
import dev.harness.study.kl.KlTables;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 7 on a version-6 store holding kl data: the rebuilt samples / token_logprobs / cross_scores keep
 * every row (no cascade ran), the UNIQUE (variant, prompt_id, sample_index) is gone (a second configuration's row of
 * the same place fits beside the first), and phases gained inputs_json.
 */
class RunIdentityMigrationTest {
  @TempDir Path dir;

  @Test
  void version6KlRowsSurviveAndTwoConfigurationsShareAPlace() throws Exception {
    Path db = dir.resolve("kl.sqlite");
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys=ON");
      for (int v = 0; v < 6; v++) {
        for (String stmt : Store.splitStatements(resource(LegacyStores.MIGRATIONS.get(v)))) s.execute(stmt);
      }
      s.execute("PRAGMA user_version = 6");
      s.execute("INSERT INTO phases(phase, fingerprint, completed_at, summary) VALUES ('run', 'f', 't', 's')");
      s.execute("INSERT INTO prompts VALUES ('p1', 0, 0, 'src', 'hello', 'h', 5)");
      s.execute("INSERT INTO samples(unit_key, variant, prompt_id, sample_index, seed, status, attempts, completed_at)"
          + " VALUES ('kl|a|p1|s=0', 'a', 'p1', 0, 1, 'ok', 1, 't')");
      s.execute("INSERT INTO token_logprobs VALUES ('kl|a|p1|s=0', 'a', 0, ' x', 5, -0.5, '[]')");
      s.execute("INSERT INTO cross_scores(unit_key, scorer, status, completed_at) VALUES ('kl|a|p1|s=0', 'b', 'ok', 't')");
    }
    try (Store store = Store.open(db, KlSchema.CHAIN)) {
      assertEquals(2, store.chainVersions().get("kl"));
      assertEquals(2, store.chainVersions().get("shared"));
      KlTables t = new KlTables(store);
      assertEquals(1, t.count("samples"));
      assertEquals(1, t.count("token_logprobs"));
      assertEquals(1, t.count("cross_scores"));
      assertEquals(1, t.prompts().size(), "old prompts stay selected");
      assertNull(new PhaseTable(store).get("run").orElseThrow().inputsJson());
      t.recordSample(new KlTables.SampleRow("kl|a|p1|s=0|id=abc", "a", "p1", 0, 1, "ok", null, null, "t", null, null,
          null, false, null, null, null, 1, null, null), java.util.List.of());
      assertEquals(2, t.count("samples"), "the same place under another identity: both rows kept");
      store.transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("DELETE FROM samples WHERE unit_key = 'kl|a|p1|s=0'");
        }
      });
      assertEquals(0, t.count("token_logprobs"), "the children's foreign keys point at the rebuilt samples");
      assertEquals(0, t.count("cross_scores"));
    }
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = Store.class.getResourceAsStream("legacy/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
