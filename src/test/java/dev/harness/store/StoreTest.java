package dev.harness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.study.kl.KlSchema;
import dev.harness.study.kv.KvDataTables;
import dev.harness.study.kv.KvSchema;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path dir;

  @Test
  void migratesToLatestWithWalAndForeignKeys() {
    try (Store s = Store.open(dir.resolve("a/kv.sqlite"), KvSchema.CHAIN)) {
      assertEquals(StoreSchema.CHAINED_LAYOUT, s.userVersion());
      assertEquals(java.util.Map.of("shared", 2, "kv_transition", 2), s.chainVersions());
      String mode = s.query(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("PRAGMA journal_mode")) {
          rs.next();
          return rs.getString(1);
        }
      });
      assertEquals("wal", mode);
      int fk = s.query(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("PRAGMA foreign_keys")) {
          rs.next();
          return rs.getInt(1);
        }
      });
      assertEquals(1, fk);
    }
    try (Store again = Store.open(dir.resolve("a/kv.sqlite"), KvSchema.CHAIN)) {
      assertEquals(java.util.Map.of("shared", 2, "kv_transition", 2), again.chainVersions());
    }
  }

  @Test
  void failedTransactionLeavesNothing() {
    try (Store s = Store.open(dir.resolve("kv.sqlite"), KvSchema.CHAIN)) {
      KvDataTables t = new KvDataTables(s);
      KvDataTables.DatasetRow d = new KvDataTables.DatasetRow("x__y", "x", "y", "src", "test", 1, "approx", null);
      // the entry refers to a bin that does not exist: the foreign key fails and the whole prepare is rolled back
      assertThrows(StoreException.class, () -> t.replace(d,
          List.of(new KvDataTables.ExampleRow("e1", "q", "ctx", "[\"a\"]", 3, 10, "{}")),
          List.of(new KvDataTables.BinRow(0, 0, 100, "0–100")),
          List.of(new KvDataTables.EntryRow("e1", 7, 10))));
      assertEquals(0, t.count("datasets"));
      assertEquals(0, t.count("examples"));
      t.replace(d, List.of(new KvDataTables.ExampleRow("e1", "q", "ctx", "[\"a\"]", 3, 10, "{}")),
          List.of(new KvDataTables.BinRow(0, 0, 100, "0–100")), List.of(new KvDataTables.EntryRow("e1", 0, 10)));
      assertEquals(1, t.items("x__y").size());
      // replace is idempotent
      t.replace(d, List.of(new KvDataTables.ExampleRow("e1", "q", "ctx", "[\"a\"]", 3, 10, "{}")),
          List.of(new KvDataTables.BinRow(0, 0, 100, "0–100")), List.of(new KvDataTables.EntryRow("e1", 0, 10)));
      assertEquals(1, t.count("manifest_entries"));
    }
  }

  @Test
  void recordUnitReplacesAFailedAttempt() {
    try (Store s = Store.open(dir.resolve("kv.sqlite"), KvSchema.CHAIN)) {
      RequestTables r = new RequestTables(s);
      r.upsertRun(new RequestTables.RunRow("run1", "kv_transition", "base", 1.0, 0L, "openai", "m", "{}", "{}", "{}"));
      RequestTables.RequestRow req = new RequestTables.RequestRow("u1", "run1", "e1", 0, "abc", 10, 5, false, "{}");
      RequestTables.TelemetryRow tel = new RequestTables.TelemetryRow(12.0, null, 429, 6, null, null, null, null, null, null, null, null, null);
      r.recordUnit(req, new RequestTables.ResponseRow("error", null, null, null, null, null, "RATE_LIMITED", "slow down", 429, 6), tel);
      assertTrue(r.completedUnitKeys().isEmpty());
      r.recordUnit(req, new RequestTables.ResponseRow("ok", "Paris", "stop", 5, 1, null, null, null, 200, 1), tel);
      assertEquals(1, r.units().size());
      assertEquals("Paris", r.units().get(0).response().text());
      assertEquals(List.of("u1"), List.copyOf(r.completedUnitKeys()));
    }
  }

  @Test
  void migratesAVersion1FileForwardKeepingItsRows() throws Exception {
    Path file = dir.resolve("old.sqlite");
    String v1;
    try (var in = Store.class.getResourceAsStream("legacy/V1__base.sql")) {
      v1 = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var st = c.createStatement()) {
      for (String sql : Store.splitStatements(v1)) st.execute(sql);
      st.execute("INSERT INTO phases VALUES ('prepare', 'abc', '2026-01-01T00:00:00Z', 'old')");
      st.execute("PRAGMA user_version = 1");
    }
    try (Store s = Store.open(file, KvSchema.CHAIN)) {
      assertEquals(java.util.Map.of("shared", 2, "kv_transition", 2), s.chainVersions());
      assertEquals("abc", new PhaseTable(s).get("prepare").orElseThrow().fingerprint());
      int tables = s.query(c -> {
        try (var st = c.createStatement();
            var rs = st.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'answer_logliks'")) {
          rs.next();
          return rs.getInt(1);
        }
      });
      assertEquals(1, tables);
    }
  }

  @Test
  void refusesAFileFromANewerHarness() throws Exception {
    Path file = dir.resolve("new.sqlite");
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var st = c.createStatement()) {
      st.execute("PRAGMA user_version = 99");
    }
    StoreException e = assertThrows(StoreException.class, () -> Store.open(file, KlSchema.CHAIN));
    assertTrue(e.getMessage().contains("schema version 99 is unknown"), e.getMessage());
  }

  @Test
  void refusesAChainFromANewerHarness() throws Exception {
    Path file = dir.resolve("newer.sqlite");
    try (Store s = Store.open(file, KlSchema.CHAIN)) {
      s.transaction(c -> {
        try (var st = c.createStatement()) {
          st.execute("UPDATE schema_versions SET version = 9 WHERE chain = 'kl'");
        }
      });
    }
    StoreException e = assertThrows(StoreException.class, () -> Store.open(file, KlSchema.CHAIN));
    assertTrue(e.getMessage().contains("kl schema version 9 is newer than this harness knows (2)"), e.getMessage());
  }

  @Test
  void refusesTheSharedChainAsAStudy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Store.open(dir.resolve("x.sqlite"), StoreSchema.SHARED_CHAIN));
    assertTrue(e.getMessage().contains("the shared chain is applied to every store"), e.getMessage());
  }

  @Test
  void splitsStatementsIgnoringComments() {
    assertEquals(List.of("CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"),
        Store.splitStatements("-- header; with semicolon\nCREATE TABLE a (x INT); -- tail\nCREATE TABLE b (y INT);\n"));
  }
}
