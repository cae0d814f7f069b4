package dev.harness.study.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.config.ConfigSnapshot;
import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.study.StudyRegistry;
import dev.harness.study.kl.KlStudyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kv study's own sections: bound after {@code study:}, reached typed, shown in the config's own key order. */
class KvStudyConfigTest {
  @TempDir Path dir;

  private ExperimentConfig load(String yaml) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return StudyRegistry.loadConfig(f, List.of(), new Env(Map.of(), Map.of()));
  }

  @Test
  void theSectionRecordHoldsTheStudysSectionsWithDefaults() throws Exception {
    ExperimentConfig c = load("""
        study: kv_transition
        output: {exp_group_id: t}
        engine: {kind: local, model: m}
        dataset: {source: d.jsonl}
        kv: {policy: snapkv, budgets: [1.0, 0.5], params: {window: 32, kernel: 7, pooling: avgpool}}
        """);
    KvStudyConfig kv = c.section(KvStudyConfig.class);
    assertSame(kv, KvStudyConfig.of(c));
    assertEquals("d.jsonl", kv.dataset().source());
    assertEquals(List.of(1.0, 0.5), kv.kv().budgets());
    assertEquals(5, kv.bins().count());                 // BinsConfig default
    assertEquals(List.of("em", "f1"), kv.scoring().metrics()); // ScoringConfig default
    assertEquals(Map.of("dataset.source", "d.jsonl"), kv.dataFiles());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.section(KlStudyConfig.class));
    assertTrue(e.getMessage().contains("config of study 'kv_transition' has no KlStudyConfig (it holds KvStudyConfig)"),
        e.getMessage());
  }

  @Test
  void mapsKeepTheConfigsKeyOrder() throws Exception {
    ExperimentConfig c = load("""
        study: kv_transition
        output: {exp_group_id: t}
        engine: {kind: local, model: m}
        dataset: {source: d.jsonl}
        kv: {policy: snapkv, params: {window: 32, kernel: 7, pooling: avgpool}}
        """);
    assertEquals(List.of("window", "kernel", "pooling"), List.copyOf(KvStudyConfig.of(c).kv().params().keySet()));
    String json = ConfigSnapshot.json(c);
    assertTrue(json.contains("\"params\":{\"window\":32,\"kernel\":7,\"pooling\":\"avgpool\"}"), json);
    // the snapshot lists the common sections, then kv's own, in StudyKind order; nothing of another study
    assertEquals(List.of("study", "output", "engine", "generation", "analysis", "dataset", "bins", "sampling", "kv",
        "scoring"), iterable(ConfigSnapshot.tree(c).fieldNames()));
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
