package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.KvSpec;
import dev.harness.engine.local.RandomCheckpoints.Spec;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.KvCompressor;
import dev.harness.engine.local.kv.KvPolicies;
import dev.harness.engine.local.kv.KvPolicy;
import dev.harness.engine.local.kv.PrefillCapture;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.Models;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compression of a real cache on random checkpoints: gather, original positions, bytes, the prefill capture. */
class KvCacheCompressionTest {
  static NDManager m;
  @TempDir Path tmp;

  static final int[] IDS = {3, 17, 42, 5, 9, 63, 0, 28, 11, 7, 50, 33, 2};

  @BeforeAll
  static void init() { m = NDManager.newBaseManager(ai.djl.Device.cpu()); }

  @AfterAll
  static void done() { m.close(); }

  static float[] step(CausalLM model, NDManager seq, KvCache cache, int... ids) {
    try (NDManager s = seq.newSubManager()) {
      float[] flat = model.forward(s, ids, cache, ids.length - 1).toFloatArray();
      return flat;
    }
  }

  static int[][][] all(KvCache cache, int[] keep) {
    int[][][] k = new int[cache.numLayers()][][];
    for (int l = 0; l < k.length; l++) {
      k[l] = new int[cache.layer(l).kvHeads()][];
      for (int h = 0; h < k[l].length; h++) k[l][h] = keep.clone();
    }
    return k;
  }

  @Test
  void keepingEveryPositionThroughTheGatherLeavesLogitsUnchanged() throws Exception {
    Path dir = RandomCheckpoints.write(tmp.resolve("all"), RandomCheckpoints.llama(), 4);
    try (CausalLM model = Models.load(dir, m, DataType.FLOAT32); NDManager seq = m.newSubManager();
        KvCache a = model.newCache(seq); KvCache b = model.newCache(seq)) {
      step(model, seq, a, Arrays.copyOf(IDS, 10));
      step(model, seq, b, Arrays.copyOf(IDS, 10));
      long bytes = KvCompressor.applyKept(b, all(b, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
      assertEquals(a.bytes(), bytes);
      assertArrayEquals(step(model, seq, a, IDS[10]), step(model, seq, b, IDS[10]), 0f);
    }
  }

  /**
   * One layer, so a cached key/value depends only on its token and position. Dropping position 4 after a 10-token
   * prefill and decoding token x must equal a cache built from the kept tokens alone, each at its original position
   * (0-3, 5-9), with x at position 10; building that cache at contiguous positions (0-8, x at 9) must differ — so
   * decoding uses the original RoPE positions, both for the kept keys and for the new token.
   */
  @Test
  void decodingAfterDroppingAPositionUsesOriginalPositions() throws Exception {
    Spec one = new Spec("LlamaForCausalLM", 64, 32, 1, 4, 2, 8, 48, false, false, false);
    Path dir = RandomCheckpoints.write(tmp.resolve("one"), one, 6);
    int[] keep = {0, 1, 2, 3, 5, 6, 7, 8, 9};
    try (CausalLM model = Models.load(dir, m, DataType.FLOAT32); NDManager seq = m.newSubManager();
        KvCache compressed = model.newCache(seq); KvCache original = model.newCache(seq); KvCache contiguous = model.newCache(seq)) {
      step(model, seq, compressed, Arrays.copyOf(IDS, 10));
      KvCompressor.applyKept(compressed, all(compressed, keep));
      assertEquals(10, compressed.nextPosition());
      float[] got = step(model, seq, compressed, IDS[10]);
      for (int p : keep) {
        original.advance(p - original.nextPosition());
        step(model, seq, original, IDS[p]);
        step(model, seq, contiguous, IDS[p]);
      }
      original.advance(10 - original.nextPosition());
      float[] expected = step(model, seq, original, IDS[10]);
      float[] wrong = step(model, seq, contiguous, IDS[10]);
      assertArrayEquals(expected, got, 1e-5f);
      double diff = 0;
      for (int j = 0; j < got.length; j++) diff = Math.max(diff, Math.abs(got[j] - wrong[j]));
      assertTrue(diff > 1e-3, "contiguous positions should change the logits, max diff " + diff);
    }
  }

  @Test
  void keptBytesAreTheKeptTensorsAndTrackTheBudget() throws Exception {
    keptBytes(RandomCheckpoints.llama(), 2);
  }

  @Test
  void gpt2CachesCompressToo() throws Exception {
    keptBytes(RandomCheckpoints.gpt2(true), 4);
  }

  private void keptBytes(Spec s, int kvHeads) throws Exception {
    Path dir = RandomCheckpoints.write(tmp.resolve("bytes" + s.arch()), s, 5);
    for (String name : KvPolicies.names()) {
      if (name.equals("full")) continue;
      KvPolicy p = KvPolicies.of(name, Map.of("window", 3));
      KvSpec spec = new KvSpec(name, 0.3, Map.of(), true, null);
      try (CausalLM model = Models.load(dir, m, DataType.FLOAT32); NDManager seq = m.newSubManager();
          KvCache cache = model.newCache(seq)) {
        int n = spec.keptPositions(IDS.length);
        assertEquals(4, n, "ceil(0.3 × 13)");
        KvCompressor.Result r;
        try (PrefillCapture cap = PrefillCapture.forPolicy(p, seq, cache.numLayers(), IDS.length)) {
          cache.capture(cap);
          step(model, seq, cache, IDS);
          cache.capture(null);
          r = KvCompressor.compress(cache, p, n, cap, model.config().numHeads());
        }
        // 2 layers × (K, V) × KV heads × n × head_dim 8 × 4 bytes
        assertEquals(2L * 2 * kvHeads * n * 8 * 4, r.keptBytes(), name);
        assertEquals(cache.bytes(), r.keptBytes(), name);
        assertEquals(2L * 2 * kvHeads * IDS.length * 8 * 4, r.fullBytes(), name);
        double ratio = (double) r.keptBytes() / r.fullBytes();
        assertTrue(Math.abs(ratio - 0.3) <= 1.0 / IDS.length, name + " ratio " + ratio);
        for (int l = 0; l < 2; l++) {
          assertEquals(n, cache.layer(l).length());
          for (int h = 0; h < kvHeads; h++) assertArrayEquals(r.kept()[l][h], cache.layer(l).positions(h), name);
        }
        if (name.equals("snapkv")) {
          for (int h = 0; h < kvHeads; h++) assertArrayEquals(new int[] {10, 11, 12}, Arrays.copyOfRange(cache.layer(0).positions(h), 1, 4), "window kept");
        }
        if (name.equals("streaming_llm")) assertArrayEquals(new int[] {0, 1, 2, 3}, cache.layer(1).positions(0), "4 sinks fill n_kept = 4");
        float[] next = step(model, seq, cache, 7);
        assertTrue(Float.isFinite(next[0]));
        assertEquals(IDS.length + 1, cache.nextPosition());
      }
    }
  }

  @Test
  void captureIsTheSameWhetherThePrefillIsChunkedOrNot() throws Exception {
    Path dir = RandomCheckpoints.write(tmp.resolve("cap"), RandomCheckpoints.qwen2(), 8);
    try (CausalLM model = Models.load(dir, m, DataType.FLOAT32); NDManager seq = m.newSubManager();
        KvCache one = model.newCache(seq); KvCache two = model.newCache(seq);
        PrefillCapture a = new PrefillCapture(seq, 2, 6, true); PrefillCapture b = new PrefillCapture(seq, 2, 6, true)) {
      int[] ids = Arrays.copyOf(IDS, 9);
      one.capture(a);
      step(model, seq, one, ids);
      two.capture(b);
      step(model, seq, two, Arrays.copyOf(ids, 5));
      step(model, seq, two, Arrays.copyOfRange(ids, 5, 9));
      for (int l = 0; l < 2; l++) {
        float[] ca = a.cumulativeAttention(l).toFloatArray();
        float[] cb = b.cumulativeAttention(l).toFloatArray();
        assertArrayEquals(ca, cb, 1e-5f);
        assertEquals(4 * 9, ca.length);
        for (int h = 0; h < 4; h++) {
          double sum = 0;
          for (int j = 0; j < 9; j++) sum += ca[h * 9 + j];
          assertEquals(9.0, sum, 1e-4, "each of the 9 queries' attention sums to 1");
          assertTrue(ca[h * 9 + 8] > 0 && ca[h * 9 + 8] < 1, "the last key is seen by one query");
        }
        assertEquals(new ai.djl.ndarray.types.Shape(4, 3, 8), a.windowQueries(l).getShape(), "queries at positions 6, 7, 8");
        assertArrayEquals(a.windowQueries(l).toFloatArray(), b.windowQueries(l).toFloatArray(), 1e-5f);
      }
    }
  }
}
