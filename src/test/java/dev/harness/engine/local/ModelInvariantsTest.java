package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.RandomCheckpoints.Spec;
import dev.harness.engine.local.RandomCheckpoints.T;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.Models;
import dev.harness.engine.local.weights.DType;
import dev.harness.engine.local.weights.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Invariants of the forward passes on random checkpoints of every architecture. */
class ModelInvariantsTest {
  static NDManager m;
  @TempDir Path tmp;

  @BeforeAll
  static void init() { m = NDManager.newBaseManager(ai.djl.Device.cpu()); }

  @AfterAll
  static void done() { m.close(); }

  static final int[] IDS = {3, 17, 42, 5, 9, 63, 0, 28, 11, 7, 50, 33, 2};

  static List<Spec> specs() {
    return List.of(RandomCheckpoints.llama(), RandomCheckpoints.qwen2(), RandomCheckpoints.qwen3(),
        RandomCheckpoints.gpt2(true), RandomCheckpoints.gpt2(false));
  }

  @TestFactory
  Stream<DynamicTest> incrementalDecodingEqualsFullForward() {
    return specs().stream().map(s -> DynamicTest.dynamicTest(s.arch() + (s.gpt2Prefix() ? " (transformer.)" : ""), () -> {
      Path dir = RandomCheckpoints.write(tmp.resolve(s.arch() + s.gpt2Prefix()), s, 11);
      try (CausalLM model = Models.load(dir, m, DataType.FLOAT32)) {
        float[][] full = ModelParityTest.fullForward(model, m, IDS);
        // feed 5 tokens, then 1 at a time, then a chunk of 3, comparing each step's logits with the full pass
        try (NDManager seq = m.newSubManager(); KvCache cache = model.newCache(seq)) {
          int at = 0;
          for (int n : new int[] {5, 1, 1, 1, 3, 1, 1}) {
            int[] chunk = java.util.Arrays.copyOfRange(IDS, at, at + n);
            try (NDManager step = seq.newSubManager()) {
              float[] flat = model.forward(step, chunk, cache, 0).toFloatArray();
              int v = flat.length / n;
              for (int i = 0; i < n; i++) {
                for (int j = 0; j < v; j++) {
                  assertEquals(full[at + i][j], flat[i * v + j], 1e-5, s.arch() + " position " + (at + i) + " logit " + j);
                }
              }
            }
            at += n;
          }
          assertEquals(IDS.length, cache.nextPosition());
        }
      }
    }));
  }

  @Test
  void gqaEqualsMhaWithRepeatedKvWeights() throws Exception {
    Spec gqa = RandomCheckpoints.llama();
    Map<String, T> w = RandomCheckpoints.tensors(gqa, 5);
    Path a = RandomCheckpoints.write(tmp.resolve("gqa"), RandomCheckpoints.config(gqa), w, DType.F32);
    Spec mha = new Spec(gqa.arch(), gqa.vocab(), gqa.hidden(), gqa.layers(), gqa.heads(), gqa.heads(), gqa.headDim(),
        gqa.inter(), gqa.tie(), gqa.llama3Scaling(), false);
    Map<String, T> w2 = new LinkedHashMap<>(w);
    int group = gqa.heads() / gqa.kvHeads();
    int rowLen = gqa.hidden() * gqa.headDim();
    for (String k : w.keySet()) {
      if (k.endsWith("k_proj.weight") || k.endsWith("v_proj.weight")) {
        float[] src = w.get(k).values();
        float[] dst = new float[gqa.heads() * rowLen];
        for (int h = 0; h < gqa.heads(); h++) System.arraycopy(src, (h / group) * rowLen, dst, h * rowLen, rowLen);
        w2.put(k, new T(new long[] {gqa.heads() * gqa.headDim(), gqa.hidden()}, dst));
      }
    }
    Path b = RandomCheckpoints.write(tmp.resolve("mha"), RandomCheckpoints.config(mha), w2, DType.F32);
    try (CausalLM ga = Models.load(a, m, DataType.FLOAT32); CausalLM mb = Models.load(b, m, DataType.FLOAT32)) {
      float[][] x = ModelParityTest.fullForward(ga, m, IDS);
      float[][] y = ModelParityTest.fullForward(mb, m, IDS);
      for (int i = 0; i < IDS.length; i++) {
        for (int j = 0; j < x[i].length; j++) assertEquals(x[i][j], y[i][j], 1e-5, "position " + i);
      }
    }
  }

  @Test
  void bf16AndShardedCheckpointsLoadTheSameValues() throws Exception {
    Spec s = RandomCheckpoints.qwen2();
    Map<String, T> w = RandomCheckpoints.tensors(s, 9);
    // round every value to bf16 so the f32 copy holds exactly what the bf16 file holds
    Map<String, T> rounded = new LinkedHashMap<>();
    w.forEach((k, t) -> {
      float[] v = t.values().clone();
      for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xffff0000);
      rounded.put(k, new T(t.shape(), v));
    });
    ObjectNode cfg = RandomCheckpoints.config(s);
    Path f32 = RandomCheckpoints.write(tmp.resolve("f32"), cfg, rounded, DType.F32);
    Path bf16 = RandomCheckpoints.write(tmp.resolve("bf16"), cfg, w, DType.BF16);
    Path sharded = tmp.resolve("sharded");
    Files.createDirectories(sharded);
    RandomCheckpoints.JSON.writeValue(sharded.resolve("config.json").toFile(), cfg);
    SafetensorsWriter s1 = new SafetensorsWriter();
    SafetensorsWriter s2 = new SafetensorsWriter();
    ObjectNode index = RandomCheckpoints.JSON.createObjectNode();
    ObjectNode map = index.putObject("weight_map");
    int i = 0;
    for (var e : rounded.entrySet()) {
      boolean first = i++ % 2 == 0;
      (first ? s1 : s2).add(e.getKey(), DType.F32, e.getValue().shape(), e.getValue().values());
      map.put(e.getKey(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    s1.write(sharded.resolve("model-00001-of-00002.safetensors"));
    s2.write(sharded.resolve("model-00002-of-00002.safetensors"));
    RandomCheckpoints.JSON.writeValue(sharded.resolve("model.safetensors.index.json").toFile(), index);
    try (CausalLM a = Models.load(f32, m, DataType.FLOAT32); CausalLM b = Models.load(bf16, m, DataType.FLOAT32);
        CausalLM c = Models.load(sharded, m, DataType.FLOAT32)) {
      float[][] x = ModelParityTest.fullForward(a, m, IDS);
      float[][] y = ModelParityTest.fullForward(b, m, IDS);
      float[][] z = ModelParityTest.fullForward(c, m, IDS);
      for (int p = 0; p < IDS.length; p++) {
        for (int j = 0; j < x[p].length; j++) {
          assertEquals(x[p][j], y[p][j], 0.0, "bf16 widened exactly");
          assertEquals(x[p][j], z[p][j], 0.0, "sharded");
        }
      }
    }
  }

  @Test
  void float16RunIsCloseToFloat32() throws Exception {
    Path dir = RandomCheckpoints.write(tmp.resolve("f16"), RandomCheckpoints.llama(), 3);
    try (CausalLM a = Models.load(dir, m, DataType.FLOAT32); CausalLM b = Models.load(dir, m, DataType.FLOAT16)) {
      float[][] x = ModelParityTest.fullForward(a, m, IDS);
      float[][] y = ModelParityTest.fullForward(b, m, IDS);
      double maxAbs = 0;
      double maxDiff = 0;
      for (int p = 0; p < IDS.length; p++) {
        for (int j = 0; j < x[p].length; j++) {
          maxAbs = Math.max(maxAbs, Math.abs(x[p][j]));
          maxDiff = Math.max(maxDiff, Math.abs(x[p][j] - y[p][j]));
        }
      }
      assertTrue(maxDiff < 0.02 * maxAbs + 0.01, "float16 logits differ by " + maxDiff + " (max |logit| " + maxAbs + ")");
    }
  }

  @Test
  void cacheCanBeReplacedByFewerEntriesAndDecodingContinuesAtOriginalPositions() throws Exception {
    Path dir = RandomCheckpoints.write(tmp.resolve("kv"), RandomCheckpoints.llama(), 4);
    try (CausalLM model = Models.load(dir, m, DataType.FLOAT32); NDManager seq = m.newSubManager();
        KvCache cache = model.newCache(seq)) {
      try (NDManager step = seq.newSubManager()) {
        model.forward(step, java.util.Arrays.copyOf(IDS, 8), cache, 7);
      }
      // keep positions {0, 2, 4, 6, 7} in every layer and head ("compression" by hand)
      int[] keep = {0, 2, 4, 6, 7};
      for (int l = 0; l < cache.numLayers(); l++) {
        var lc = cache.layer(l);
        try (NDManager step = seq.newSubManager()) {
          NDArray idx = step.create(new long[] {0, 2, 4, 6, 7});
          NDArray k = lc.keys(step).get(new NDIndex(":, {}, :", idx)).duplicate();
          NDArray v = lc.values(step).get(new NDIndex(":, {}, :", idx)).duplicate();
          lc.replace(k, v, new int[][] {keep, keep});
        }
        assertEquals(5, lc.length());
        assertEquals(7, lc.positions(1)[4]);
      }
      assertEquals(8, cache.nextPosition(), "next token still takes original position 8");
      try (NDManager step = seq.newSubManager()) {
        float[] logits = model.forward(step, new int[] {IDS[8]}, cache, 0).toFloatArray();
        assertEquals(64, logits.length);
        assertTrue(Float.isFinite(logits[0]));
      }
      assertEquals(6, cache.layer(0).length());
      assertEquals(8, cache.layer(0).positions(0)[5]);
      assertEquals(2L * 2 * 2 * 6 * 8 * 4, cache.bytes(), "2 layers × K,V × 2 kv heads × 6 entries × 8 × 4 bytes");
      assertEquals(2L * 2 * 2 * 9 * 8 * 4, cache.fullBytes());
    }
  }

  @Test
  void nativeMemoryDoesNotGrowAcrossRequests() throws Exception {
    Path dir = RandomCheckpoints.write(tmp.resolve("leak"), RandomCheckpoints.gpt2(true), 2);
    try (CausalLM model = Models.load(dir, m, DataType.FLOAT32)) {
      int before = countArrays(m);
      int weights = countArrays(model.weights());
      Random r = new Random(1);
      for (int i = 0; i < 50; i++) ModelParityTest.greedy(model, m, new int[] {r.nextInt(64), r.nextInt(64)}, 5);
      assertEquals(before, countArrays(m), "arrays left behind in the root manager");
      assertEquals(weights, countArrays(model.weights()), "arrays left behind in the weights manager");
    }
  }

  private static int countArrays(NDManager mgr) {
    return mgr.getManagedArrays().size();
  }
}
