package dev.harness.engine.local.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraConfigTest {
  static final Path SHARED = Path.of("../shared/models/tiny-llama-gqa-lora");

  @TempDir Path tmp;

  private Path write(String json) throws Exception {
    Files.writeString(tmp.resolve(LoraConfig.FILE), json);
    return tmp;
  }

  @Test
  void readsPeftsOwnConfig() {
    Assumptions.assumeTrue(Files.isDirectory(SHARED), "SKIPPED: " + SHARED + " absent");
    LoraConfig c = LoraConfig.read(SHARED);
    assertEquals(4, c.r());
    assertEquals(8.0, c.loraAlpha());
    assertEquals(List.of("v_proj", "q_proj"), c.targetModules());
    assertNull(c.targetRegex());
    assertFalse(c.fanInFanOut());
    assertEquals("tiny-llama-gqa", c.baseModelNameOrPath());
    assertEquals(2.0, c.scaling("model.layers.0.self_attn.q_proj"));
    assertTrue(c.targets("model.layers.2.self_attn.q_proj"));
    assertTrue(c.targets("model.layers.0.self_attn.v_proj"));
    assertTrue(c.targets("q_proj"));
    assertFalse(c.targets("model.layers.0.self_attn.k_proj"));
    assertFalse(c.targets("model.layers.0.self_attn.xq_proj"), "suffix must follow a dot");
    assertFalse(c.targets("model.layers.0.self_attn.q_proj.lora_A"));
  }

  @Test
  void regexTargetIsAFullMatch() throws Exception {
    LoraConfig c = LoraConfig.read(write("{\"r\": 2, \"lora_alpha\": 4, \"target_modules\": \"model\\\\.layers\\\\.[01]\\\\.self_attn\\\\.(q|v)_proj\"}"));
    assertNull(c.targetModules());
    assertTrue(c.targets("model.layers.1.self_attn.v_proj"));
    assertFalse(c.targets("model.layers.2.self_attn.v_proj"));
    assertFalse(c.targets("x.model.layers.1.self_attn.v_proj"), "regex must match the whole path");
    assertFalse(c.targets("model.layers.1.self_attn.v_proj2"));
  }

  @Test
  void layersToTransformAndPatterns() throws Exception {
    LoraConfig c = LoraConfig.read(write("""
        {"r": 16, "lora_alpha": 32, "use_rslora": true, "target_modules": ["q_proj", "v_proj"],
         "layers_to_transform": [1, 2], "rank_pattern": {"q_proj": 4}, "alpha_pattern": {"layers.2.self_attn.v_proj": 8},
         "some_future_peft_key": {"x": 1}, "use_dora": false}
        """));
    assertFalse(c.targets("model.layers.0.self_attn.q_proj"));
    assertTrue(c.targets("model.layers.1.self_attn.q_proj"));
    assertTrue(c.targets("model.layers.2.self_attn.v_proj"));
    assertFalse(c.targets("model.layers.12.self_attn.v_proj"));
    // rslora: alpha / √r
    assertEquals(32 / 4.0, c.scaling("model.layers.1.self_attn.v_proj"), 1e-12);
    assertEquals(16, c.rank("model.layers.1.self_attn.v_proj"));
    assertEquals(4, c.rank("model.layers.1.self_attn.q_proj"));
    assertEquals(32 / 2.0, c.scaling("model.layers.1.self_attn.q_proj"), 1e-12);
    assertEquals(8 / 4.0, c.scaling("model.layers.2.self_attn.v_proj"), 1e-12);
    assertEquals(32.0, c.alpha("model.layers.12.self_attn.v_proj"), "layers.2 must not match layers.12");
  }

  @Test
  void singleIntLayersToTransform() throws Exception {
    LoraConfig c = LoraConfig.read(write("{\"target_modules\": [\"c_attn\"], \"layers_to_transform\": 0, \"fan_in_fan_out\": true}"));
    assertEquals(8, c.r());
    assertEquals(1.0, c.scaling("transformer.h.0.attn.c_attn"));
    assertTrue(c.targets("transformer.h.0.attn.c_attn"));
    assertFalse(c.targets("transformer.h.1.attn.c_attn"));
    assertTrue(c.fanInFanOut());
  }

  @Test
  void badFieldsNameTheFileAndTheKey() throws Exception {
    String file = tmp.resolve(LoraConfig.FILE).toString();
    LoraException e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"r\": \"four\", \"target_modules\": [\"q_proj\"]}")));
    assertEquals(file + ": r: expected a positive integer, got \"four\"", e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"r\": 4}")));
    assertTrue(e.getMessage().startsWith(file + ": target_modules: is missing"), e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"target_modules\": [\"q_proj\", 3]}")));
    assertEquals(file + ": target_modules[1]: expected a string, got 3", e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"target_modules\": \"(q\"}")));
    assertTrue(e.getMessage().startsWith(file + ": target_modules: is not a valid regex"), e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"target_modules\": [\"q\"], \"use_dora\": true}")));
    assertEquals(file + ": use_dora: is true; DoRA is not supported", e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"target_modules\": [\"q\"], \"peft_type\": \"IA3\"}")));
    assertTrue(e.getMessage().startsWith(file + ": peft_type:"), e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{\"target_modules\": [\"q\"], \"lora_alpha\": []}")));
    assertEquals(file + ": lora_alpha: expected a number, got []", e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(write("{oops")));
    assertTrue(e.getMessage().startsWith(file + ": not valid JSON"), e.getMessage());
    e = assertThrows(LoraException.class, () -> LoraConfig.read(tmp.resolve("nowhere")));
    assertTrue(e.getMessage().contains("nowhere/" + LoraConfig.FILE + ": not found"), e.getMessage());
  }

  @Test
  void writeThenReadRoundTripsWithPeftKeys() throws Exception {
    LoraConfig c = new LoraConfig(16, 32, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj"), null, false, "none",
        true, null, List.of(0, 2), null, Map.of("o_proj", 8), Map.of("k_proj", 4.5), "CAUSAL_LM", "LORA", "some/base", false);
    Path dir = tmp.resolve("out");
    c.write(dir);
    assertEquals(c, LoraConfig.read(dir));
    JsonNode j = new ObjectMapper().readTree(dir.resolve(LoraConfig.FILE).toFile());
    assertEquals(16, j.get("r").asInt());
    assertTrue(j.get("lora_alpha").isInt(), "PEFT writes an integral lora_alpha as an int");
    assertEquals("LORA", j.get("peft_type").asText());
    assertEquals("CAUSAL_LM", j.get("task_type").asText());
    assertEquals("some/base", j.get("base_model_name_or_path").asText());
    assertEquals(4, j.get("target_modules").size());
    for (String k : List.of("bias", "fan_in_fan_out", "inference_mode", "init_lora_weights", "layers_pattern",
        "layers_to_transform", "lora_dropout", "modules_to_save", "rank_pattern", "alpha_pattern", "use_rslora", "use_dora")) {
      assertTrue(j.has(k), "missing PEFT key " + k);
    }
    LoraConfig regex = LoraConfig.of(4, 8, 0, List.of("c_attn"), true, null);
    regex.write(tmp.resolve("g"));
    assertEquals(regex, LoraConfig.read(tmp.resolve("g")));
  }
}
