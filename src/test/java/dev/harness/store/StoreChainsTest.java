package dev.harness.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.study.StudyRegistry;
import dev.harness.study.kv.KvDataTables;
import dev.harness.study.kv.KvSchema;
import dev.harness.study.mc.McSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store holds the shared tables plus the study's own (issue 15 item 2): a fresh file of each study has exactly
 * docs/schema.md's tables, shaped as the old single chain left them; a file written by the old chain (V1..V8) opens
 * without re-running anything and keeps every table and row, and its chains migrate further from there.
 */
class StoreChainsTest {
  @TempDir Path dir;

  @Test
  void aFreshStoreHoldsTheSharedTablesAndItsStudysOnly() throws Exception {
    for (StoreChain chain : chains()) {
      String study = chain.name();
      Path file = dir.resolve(study + ".sqlite");
      try (Store s = Store.open(file, chain)) {
        assertEquals(Map.of("shared", 2, study, chain.latest()), s.chainVersions(), study);
        assertEquals(StoreSchema.CHAINED_LAYOUT, s.userVersion());
      }
      assertEquals(LegacyStores.expectedTables(study), LegacyStores.tables(file), study);
    }
    assertEquals(LegacyStores.STUDY_TABLES.keySet(), new TreeSet<>(chains().stream().map(StoreChain::name).toList()));
  }

  /** Every chain but the shared one: the studies' (declared in their packages) and the training run's. */
  static List<StoreChain> chains() {
    List<StoreChain> all = new java.util.ArrayList<>(StudyRegistry.storeChains());
    all.add(StoreSchema.FINETUNE);
    return all;
  }

  @Test
  void eachChainBuildsTheTablesTheOldChainBuilt() throws Exception {
    Path old = dir.resolve("old.sqlite");
    LegacyStores.write(old, 8);
    for (StoreChain chain : chains()) {
      String study = chain.name();
      Path file = dir.resolve(study + ".sqlite");
      Store.open(file, chain).close();
      Set<String> tables = new TreeSet<>(LegacyStores.expectedTables(study));
      tables.remove("schema_versions");
      try (Connection a = DriverManager.getConnection("jdbc:sqlite:" + old);
          Connection b = DriverManager.getConnection("jdbc:sqlite:" + file)) {
        assertEquals(LegacyStores.shapes(a, tables), LegacyStores.shapes(b, tables), study);
      }
    }
  }

  @Test
  void aVersion8StoreOpensWithEveryTableAndRowKept() throws Exception {
    Path file = dir.resolve("kv_transition.sqlite");
    LegacyStores.write(file, 8);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("INSERT INTO phases(phase, fingerprint, completed_at, summary, inputs_json)"
          + " VALUES ('prepare', 'f1', 't', 's', '{}')");
      s.execute("INSERT INTO datasets VALUES ('d', 'n', 'qa', 'src', 'test', 1, 'approx', NULL, 't')");
      s.execute("INSERT INTO prompts VALUES ('p1', 0, 0, 'src', 'hello', 'h', 5, 1)");
      s.execute("INSERT INTO mc_tasks VALUES ('arc', 'src', 10, 5, 'all', NULL, 't')");
      s.execute("INSERT INTO train_runs(run_id, started_at, status, model, quantization, objective, config_json,"
          + " n_train, n_eval, total_steps, lora_params, adapter_dir) VALUES ('r1', 't', 'done', 'm', 'none', 'sft',"
          + " '{}', 4, 1, 2, 100, 'out')");
    }
    Set<String> before = LegacyStores.tables(file);
    Map<String, String> shapesBefore;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      shapesBefore = LegacyStores.shapes(c, before);
    }
    try (Store s = Store.open(file, KvSchema.CHAIN)) {
      assertEquals(Map.of("shared", 2, "kv_transition", 2, "kl", 2, "output_control", 1, "mc_eval", 2,
          "finetune", 1), s.chainVersions());
      assertEquals("f1", new PhaseTable(s).get("prepare").orElseThrow().fingerprint());
      assertEquals(1, new KvDataTables(s).count("datasets"));
    }
    Set<String> after = LegacyStores.tables(file);
    Set<String> expected = new TreeSet<>(before);
    expected.add("schema_versions");
    assertEquals(expected, after, "only schema_versions is added; other studies' tables stay");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      assertEquals(shapesBefore, LegacyStores.shapes(c, before), "no table was rebuilt or altered");
      for (String t : new String[] {"prompts", "mc_tasks", "train_runs"}) {
        try (var rs = s.executeQuery("SELECT COUNT(*) FROM " + t)) {
          rs.next();
          assertEquals(1, rs.getInt(1), t);
        }
      }
    }
    // opening the same file as another study runs nothing either: every chain is at its latest
    try (Store s = Store.open(file, McSchema.CHAIN)) {
      assertEquals(1, count(s, "mc_tasks"));
    }
  }

  @Test
  void aVersion7StoreMigratesItsStudysChainFurther() throws Exception {
    Path file = dir.resolve("mc_eval.sqlite");
    LegacyStores.write(file, 7);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("INSERT INTO mc_tasks VALUES ('arc', 'src', 10, 5, 'all', NULL, 't')");
    }
    assertFalse(LegacyStores.tables(file).contains("mc_failures"));
    try (Store s = Store.open(file, McSchema.CHAIN)) {
      assertEquals(2, s.chainVersions().get("mc_eval"), "mc_eval 2 (the old V8) ran on open");
      assertEquals(1, s.chainVersions().get("output_control"));
      assertEquals(1, count(s, "mc_tasks"));
      assertEquals(0, count(s, "mc_failures"));
    }
    assertTrue(LegacyStores.tables(file).contains("mc_failures"));
  }

  private static int count(Store s, String table) {
    return s.query(c -> {
      try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }
}
