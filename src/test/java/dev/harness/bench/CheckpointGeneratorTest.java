package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.weights.Checkpoint;
import dev.harness.engine.local.weights.DType;
import dev.harness.engine.local.weights.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointGeneratorTest {
  @TempDir Path tmp;

  @Test
  void writesEveryTensorWithItsShapeAndNothingElse() throws Exception {
    BenchShape s = BenchShape.tiny();
    Path dir = CheckpointGenerator.write(tmp.resolve("m"), s, 7);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      Map<String, long[]> want = s.tensors();
      assertEquals(new ArrayList<>(want.keySet()).stream().sorted().toList(), ck.names().stream().sorted().toList());
      long total = 0;
      for (Map.Entry<String, long[]> e : want.entrySet()) {
        TensorEntry t = ck.entry(e.getKey());
        assertArrayEquals(e.getValue(), t.shape(), e.getKey());
        assertEquals(DType.F32, t.dtype());
        total += t.elements();
      }
      assertEquals(94_528L, total);
    }
    long size = Files.size(dir.resolve("model.safetensors"));
    assertTrue(size > 94_528L * 4 && size < 94_528L * 4 + 64 * 1024, "header + 4 bytes per parameter: " + size);
    assertTrue(Files.isRegularFile(dir.resolve("config.json")));
    assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
  }

  @Test
  void weightsAreNormalWithStd002AndNormsAreOne() throws Exception {
    Path dir = CheckpointGenerator.write(tmp.resolve("m"), BenchShape.tiny(), 3);
    try (Checkpoint ck = Checkpoint.open(dir); NDManager m = NDManager.newBaseManager()) {
      float[] w = ck.load(m, "model.embed_tokens.weight", DataType.FLOAT32, 256, 64).toFloatArray();
      double mean = 0;
      for (float v : w) mean += v;
      mean /= w.length;
      double var = 0;
      for (float v : w) var += (v - mean) * (v - mean);
      double std = Math.sqrt(var / w.length);
      assertEquals(0.0, mean, 0.001);
      assertEquals(0.02, std, 0.001);
      NDArray norm = ck.load(m, "model.layers.1.post_attention_layernorm.weight", DataType.FLOAT32, 64);
      for (float v : norm.toFloatArray()) assertEquals(1.0f, v);
    }
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
    BenchShape s = BenchShape.tiny();
    byte[] a = Files.readAllBytes(CheckpointGenerator.write(tmp.resolve("a"), s, 11).resolve("model.safetensors"));
    byte[] b = Files.readAllBytes(CheckpointGenerator.write(tmp.resolve("b"), s, 11).resolve("model.safetensors"));
    byte[] c = Files.readAllBytes(CheckpointGenerator.write(tmp.resolve("c"), s, 12).resolve("model.safetensors"));
    assertArrayEquals(a, b);
    assertEquals(a.length, c.length);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void tokenizerCoversTheVocabularyAndHasNoEos() throws Exception {
    Path dir = CheckpointGenerator.write(tmp.resolve("m"), BenchShape.tiny(), 0);
    try (HfTokenizer t = HfTokenizer.open(dir)) {
      assertArrayEquals(new int[] {5, 255, 1}, t.encodeIds("t5 t255 t1", false));
      assertEquals("t5 t255", t.decode(new int[] {5, 255}, false));
      assertEquals(null, t.specialTokens().eosId());
    }
  }

  @Test
  void loadsInTheLocalEngineAndGivesFiniteLogits() throws Exception {
    BenchShape s = BenchShape.tiny();
    Path dir = CheckpointGenerator.write(tmp.resolve("m"), s, 5);
    try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
      assertEquals(s.vocab(), e.vocabSize());
      assertEquals(s.maxPositions(), e.maxLength());
      int[] ids = EngineProbe.promptIds(s.vocab(), 9, 1);
      float[][] logits = e.logits(ids);
      assertEquals(9, logits.length);
      for (float[] row : logits) {
        assertEquals(s.vocab(), row.length);
        for (float v : row) assertTrue(Float.isFinite(v));
      }
      // greedy decoding never meets an EOS: the bench always gets its decode steps
      var c = e.complete(ids, dev.harness.engine.CompletionRequest.greedy(dev.harness.engine.Prompt.text(""), 6));
      assertEquals(6, c.usage().completionTokens());
      assertEquals("length", c.finishReason());
    }
  }

  @Test
  void promptIdsAreSeededAndAvoidIdZero() {
    int[] a = EngineProbe.promptIds(100, 500, 4);
    assertArrayEquals(a, EngineProbe.promptIds(100, 500, 4));
    assertFalse(Arrays.equals(a, EngineProbe.promptIds(100, 500, 5)));
    for (int id : a) assertTrue(id >= 1 && id < 100);
    List<Integer> seen = new ArrayList<>();
    for (int id : a) if (!seen.contains(id)) seen.add(id);
    assertTrue(seen.size() > 50);
  }
}
