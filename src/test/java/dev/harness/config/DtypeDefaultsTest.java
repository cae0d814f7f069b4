package dev.harness.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dtype: auto} is resolved once the config is read, so nothing downstream ever sees "auto". */
class DtypeDefaultsTest {
  @TempDir Path dir;

  private static EngineConfig engine(String kind, String dtype, String device) {
    return new EngineConfig(null, kind, "m", null, null, dtype, device, "http://127.0.0.1:9/v1", null, null, null, null,
        null, null, null, null, null, null);
  }

  @Test
  void localAutoFollowsTheDeviceAndOpenAiStaysFloat32() {
    assertEquals("auto", engine("local", null, null).dtype()); // the default before resolution
    assertEquals("float16", DtypeDefaults.resolve(engine("local", null, "auto"), d -> true).dtype());
    assertEquals("float32", DtypeDefaults.resolve(engine("local", null, "auto"), d -> false).dtype());
    assertEquals("float32", DtypeDefaults.resolve(engine("local", "auto", "cpu"), d -> d.equals("gpu")).dtype());
    assertEquals("float16", DtypeDefaults.resolve(engine("local", "auto", "gpu"), d -> d.equals("gpu")).dtype());
    // an OpenAI engine computes nothing here: float32, its value before auto existed (identities keep)
    assertEquals("float32", DtypeDefaults.resolve(engine("openai", null, null), d -> true).dtype());
    EngineConfig explicit = engine("local", "float32", "gpu");
    assertSame(explicit, DtypeDefaults.resolve(explicit, d -> true));
  }

  @Test
  void loadedConfigsNeverCarryAuto() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, """
        study: kv_transition
        output: {exp_group_id: t1}
        engine: {kind: openai, model: m, base_url: http://127.0.0.1:9/v1}
        dataset: {source: data/fixtures/story_qa.jsonl}
        kv: {policy: snapkv, budgets: [1.0, 0.5], server_fields: {max_cache_tokens: "{budget_tokens}"}}
        """);
    ExperimentConfig c = dev.harness.study.StudyRegistry.loadConfig(f, List.of(), new Env(Map.of(), Map.of()));
    assertEquals("float32", c.engine().dtype());
    ExperimentConfig bad = null;
    try {
      bad = dev.harness.study.StudyRegistry.loadConfig(f, List.of("engine.dtype=fp8"), new Env(Map.of(), Map.of()));
    } catch (ConfigException e) {
      assertEquals(true, e.getMessage().contains("engine.dtype") && e.getMessage().contains("expected auto, float32 or float16"), e.getMessage());
    }
    assertEquals(null, bad);
  }
}
