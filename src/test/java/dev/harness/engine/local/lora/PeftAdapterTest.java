package dev.harness.engine.local.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.weights.SafetensorsFile;
import dev.harness.engine.local.weights.SafetensorsWriter;
import dev.harness.engine.local.weights.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterTest {
  @TempDir Path tmp;

  @Test
  void loadsThePeftAdapterWithItsShapes() {
    Assumptions.assumeTrue(Files.isDirectory(LoraConfigTest.SHARED), "SKIPPED: shared adapter absent");
    PeftAdapter a = PeftAdapter.load(LoraConfigTest.SHARED);
    assertEquals(6, a.pairs().size(), "3 layers × q_proj, v_proj");
    for (int l = 0; l < 3; l++) {
      LoraPair q = a.pairs().get("model.layers." + l + ".self_attn.q_proj");
      LoraPair v = a.pairs().get("model.layers." + l + ".self_attn.v_proj");
      assertEquals(List.of(4, 64, 64), List.of(q.r(), q.in(), q.out()));
      assertEquals(List.of(4, 64, 16), List.of(v.r(), v.in(), v.out()));
    }
    // every module the file holds is one the config targets
    a.pairs().keySet().forEach(m -> assertTrue(a.config().targets(m), m));
  }

  static LoraPair random(Random rnd, int r, int in, int out) {
    float[] a = new float[r * in];
    float[] b = new float[out * r];
    for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
    return new LoraPair(a, r, in, b, out);
  }

  @Test
  void saveThenLoadGivesIdenticalTensorsAndPeftKeysAndShapes() throws Exception {
    Random rnd = new Random(3);
    Map<String, LoraPair> pairs = new LinkedHashMap<>();
    pairs.put("model.layers.0.self_attn.q_proj", random(rnd, 4, 64, 64));
    pairs.put("model.layers.0.self_attn.v_proj", random(rnd, 4, 64, 16));
    pairs.put("model.layers.1.mlp.down_proj", random(rnd, 4, 160, 64));
    LoraConfig cfg = LoraConfig.of(4, 8, 0.05, List.of("q_proj", "v_proj", "down_proj"), false, "tiny-llama-gqa");
    Path dir = tmp.resolve("adapter");
    PeftAdapter.save(dir, cfg, pairs);
    PeftAdapter back = PeftAdapter.load(dir);
    assertEquals(cfg, back.config());
    assertEquals(pairs.keySet(), back.pairs().keySet());
    for (String m : pairs.keySet()) {
      assertArrayEquals(pairs.get(m).a(), back.pairs().get(m).a(), 0f);
      assertArrayEquals(pairs.get(m).b(), back.pairs().get(m).b(), 0f);
      assertEquals(List.of(pairs.get(m).r(), pairs.get(m).in(), pairs.get(m).out()),
          List.of(back.pairs().get(m).r(), back.pairs().get(m).in(), back.pairs().get(m).out()), m);
    }
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PeftAdapter.WEIGHTS))) {
      Map<String, TensorEntry> e = f.entries();
      assertEquals(6, e.size());
      assertArrayEquals(new long[] {4, 64}, e.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape());
      assertArrayEquals(new long[] {64, 4}, e.get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").shape());
      assertArrayEquals(new long[] {16, 4}, e.get("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").shape());
      assertArrayEquals(new long[] {4, 160}, e.get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape());
      assertEquals("F32", e.get("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").dtype().name());
    }
  }

  @Test
  void sharedAdapterSavedAgainIsByteForByteTheSameTensors() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LoraConfigTest.SHARED), "SKIPPED: shared adapter absent");
    PeftAdapter a = PeftAdapter.load(LoraConfigTest.SHARED);
    PeftAdapter.save(tmp.resolve("again"), a.config(), a.pairs());
    try (SafetensorsFile orig = SafetensorsFile.open(a.weightsFile());
        SafetensorsFile mine = SafetensorsFile.open(tmp.resolve("again").resolve(PeftAdapter.WEIGHTS))) {
      assertEquals(orig.entries().keySet(), mine.entries().keySet());
      for (TensorEntry e : orig.entries().values()) {
        TensorEntry m = mine.entries().get(e.name());
        assertArrayEquals(e.shape(), m.shape(), e.name());
        assertArrayEquals(orig.floats(e), mine.floats(m), 0f, e.name());
      }
    }
  }

  @Test
  void acceptsAnAdapterNameInTheKeys() throws Exception {
    Path dir = tmp.resolve("named");
    LoraConfig.of(2, 4, 0, List.of("q_proj"), false, null).write(dir);
    new SafetensorsWriter()
        .add("base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
        .add("base_model.model.model.layers.0.self_attn.q_proj.lora_B.default.weight", new long[] {1, 2}, new float[] {7, 8})
        .write(dir.resolve(PeftAdapter.WEIGHTS));
    LoraPair p = PeftAdapter.load(dir).pairs().get("model.layers.0.self_attn.q_proj");
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, p.a(), 0f);
    assertArrayEquals(new float[] {7, 8}, p.b(), 0f);
    // delta = 2 · B·A = 2 · [7·1+8·4, 7·2+8·5, 7·3+8·6] = [78, 108, 138]
    assertArrayEquals(new float[] {78, 108, 138}, p.delta(2.0), 0f);
  }

  @Test
  void badAdaptersNameTheFileAndTheModule() throws Exception {
    Path dir = tmp.resolve("bad");
    LoraConfig.of(2, 4, 0, List.of("q_proj"), false, null).write(dir);
    Path w = dir.resolve(PeftAdapter.WEIGHTS);
    LoraException e = assertThrows(LoraException.class, () -> PeftAdapter.load(dir));
    assertEquals(w + ": not found", e.getMessage());
    new SafetensorsWriter().add("base_model.model.m.q_proj.lora_A.weight", new long[] {2, 3}, new float[6]).write(w);
    e = assertThrows(LoraException.class, () -> PeftAdapter.load(dir));
    assertEquals(w + ": module m.q_proj: has lora_A but no lora_B", e.getMessage());
    new SafetensorsWriter().add("base_model.model.m.q_proj.lora_A.weight", new long[] {3, 2}, new float[6])
        .add("base_model.model.m.q_proj.lora_B.weight", new long[] {1, 3}, new float[3]).write(w);
    e = assertThrows(LoraException.class, () -> PeftAdapter.load(dir));
    assertEquals(w + ": module m.q_proj: rank 3 but adapter_config.json gives r = 2", e.getMessage());
    new SafetensorsWriter().add("base_model.model.lm_head.weight", new long[] {2, 3}, new float[6]).write(w);
    e = assertThrows(LoraException.class, () -> PeftAdapter.load(dir));
    assertTrue(e.getMessage().startsWith(w + ": tensor 'base_model.model.lm_head.weight': not a LoRA A/B weight"), e.getMessage());
  }
}
