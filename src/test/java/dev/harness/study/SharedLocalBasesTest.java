package dev.harness.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.HarnessException;
import dev.harness.config.ConfigException;
import dev.harness.config.ConfigLoader;
import dev.harness.config.EngineConfig;
import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.local.LocalEngine;
import dev.harness.study.kv.KvStudyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engines: variants that differ only in adapter share one loaded base; config keys adapter / quantization / lora_merge. */
class SharedLocalBasesTest {
  static final String BASE = "../shared/models/tiny-llama-gqa";
  static final String ADAPTER = "../shared/models/tiny-llama-gqa-lora";

  @TempDir Path dir;

  private ExperimentConfig load(String engines) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, """
        study: kv_transition
        output: {exp_group_id: t1}
        dataset: {source: data/fixtures/story_qa.jsonl}
        kv: {policy: snapkv, budgets: [1.0]}
        """ + engines);
    return StudyRegistry.loadConfig(f, List.of(), new Env(Map.of(), Map.of()));
  }

  @Test
  void variantsDifferingOnlyInAdapterShareOneBase() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of(ADAPTER)), "SKIPPED: ../shared/models absent");
    // the engines: entries of a kl / output_control / mc_eval config, bound as ConfigLoader binds them
    List<EngineConfig> v = new java.util.ArrayList<>();
    for (String yaml : List.of("{name: base, kind: local, model: %s, device: cpu}".formatted(BASE),
        "{name: lora, kind: local, model: %s, device: cpu, adapter: %s}".formatted(BASE, ADAPTER),
        "{name: merged, kind: local, model: %s, device: cpu, adapter: %s, lora_merge: true}".formatted(BASE, ADAPTER),
        "{name: nf4, kind: local, model: %s, device: cpu, quantization: nf4, adapter: %s}".formatted(BASE, ADAPTER))) {
      v.add(ConfigLoader.convert(ConfigLoader.mapper().readTree(yaml), EngineConfig.class, "c.yaml"));
    }
    ExperimentConfig c = load("engine: {kind: local, model: %s, device: cpu}\n".formatted(BASE));
    assertTrue(v.get(2).loraMerge());
    assertFalse(v.get(1).loraMerge());
    DefaultEngineFactory f = new DefaultEngineFactory(new Env(Map.of(), Map.of()));
    int[] ids = {5, 17, 300, 42, 7};
    try (LocalEngine base = (LocalEngine) f.open(v.get(0), c.section(KvStudyConfig.class).kv(), "c.yaml");
        LocalEngine lora = (LocalEngine) f.open(v.get(1), c.section(KvStudyConfig.class).kv(), "c.yaml");
        LocalEngine merged = (LocalEngine) f.open(v.get(2), c.section(KvStudyConfig.class).kv(), "c.yaml");
        LocalEngine nf4 = (LocalEngine) f.open(v.get(3), c.section(KvStudyConfig.class).kv(), "c.yaml")) {
      assertTrue(base.sharesBaseWith(lora), "base and adapter variant share the weights");
      assertFalse(base.sharesBaseWith(merged), "a merged adapter changes the weights: own base");
      assertFalse(base.sharesBaseWith(nf4), "another quantization: own base");
      assertNull(base.adapterName());
      assertEquals("unmerged", lora.info().details().get("lora"));
      assertEquals("merged", merged.info().details().get("lora"));
      float[] b = last(base.logits(ids));
      float[] l = last(lora.logits(ids));
      float[] m = last(merged.logits(ids));
      assertTrue(maxDiff(b, l) > 0.1, "adapter view differs from base view");
      assertTrue(maxDiff(l, m) < 1e-3, "unmerged == merged: " + maxDiff(l, m));
      // another base view after closing nothing: still the same weights
      try (LocalEngine again = (LocalEngine) f.open(v.get(0), c.section(KvStudyConfig.class).kv(), "c.yaml")) {
        assertTrue(again.sharesBaseWith(base));
      }
    }
  }

  @Test
  void badAdapterSettingsAreConfigErrors() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> load("engine: {kind: local, model: m, lora_merge: true}\n"));
    assertTrue(e.getMessage().contains("engine.lora_merge: is true but engine.adapter is not set"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("engine: {kind: local, model: m, adapter: a, lora_merge: true, quantization: nf4}\n"));
    assertTrue(e.getMessage().contains("engine.lora_merge: cannot merge an adapter into NF4 weights"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("engine: {kind: local, model: m, quantization: int4}\n"));
    assertTrue(e.getMessage().contains("engine.quantization: expected none, nf4 or nf4_dq, got 'int4'"), e.getMessage());
    ExperimentConfig ok = load("engine: {kind: local, model: %s, device: cpu, adapter: %s}\n".formatted(BASE, dir.resolve("missing")));
    DefaultEngineFactory f = new DefaultEngineFactory(new Env(Map.of(), Map.of()));
    HarnessException h = assertThrows(HarnessException.class, () -> f.open(ok.engine(), ok.section(KvStudyConfig.class).kv(), "c.yaml"));
    assertEquals(2, h.exitCode());
    assertTrue(h.getMessage().startsWith("c.yaml: engine.adapter: '"), h.getMessage());
  }

  static float[] last(float[][] l) { return l[l.length - 1]; }

  static double maxDiff(float[] x, float[] y) {
    double m = 0;
    for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
    return m;
  }
}
