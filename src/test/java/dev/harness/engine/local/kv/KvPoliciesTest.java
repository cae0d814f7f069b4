package dev.harness.engine.local.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.harness.engine.KvSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Policies on hand-built keys and attention: scores and selections computed by hand. */
class KvPoliciesTest {
  static NDManager m;

  @BeforeAll
  static void init() { m = NDManager.newBaseManager(ai.djl.Device.cpu()); }

  @AfterAll
  static void done() { m.close(); }

  static NDArray arr(float[] v, long... shape) { return m.create(v, new Shape(shape)); }

  /**
   * 2 query heads sharing 1 KV head, 8 positions, window 2 (queries at positions 6 and 7; query 6 cannot see key 7).
   * Summed over the window, the prefix 0..5 gets head 0: [0, 0, .9, 0, 0, 0], head 1: [.3, 0, 0, 0, .06, .54].
   * avgpool k=3 (zero padding counted): head 0 [0, .3, .3, .3, 0, 0], head 1 [.1, .1, 0, .02, .2, .2];
   * GQA mean [.05, .2, .15, .16, .1, .1] → the best two are 1 and 3, plus the window 6, 7.
   * Without pooling the mean [.15, 0, .45, 0, .03, .27] would pick 2 and 5; head 0 alone would pick 1..3.
   */
  static NDArray snapAttention() {
    float[] a = {
        0, 0, .5f, 0, 0, 0, .5f, 0, //   head 0, query at 6
        0, 0, .4f, 0, 0, 0, .3f, .3f, // head 0, query at 7
        .3f, 0, 0, 0, 0, .2f, .5f, 0, // head 1, query at 6
        0, 0, 0, 0, .06f, .34f, .3f, .3f}; // head 1, query at 7
    return arr(a, 2, 2, 8);
  }

  @Test
  void snapKvPoolsSumsAveragesGroupsAndKeepsTheWindow() {
    SnapKv p = (SnapKv) KvPolicies.of("snapkv", Map.of("window", 2, "kernel", 3, "pooling", "avgpool"));
    float[][] s = p.score(new LayerState(0, 2, 1, 8, null, snapAttention(), null));
    float[] expected = {.05f, .2f, .15f, .16f, .1f, .1f};
    for (int j = 0; j < 6; j++) assertEquals(expected[j], s[0][j], 1e-6, "score of position " + j);
    assertEquals(Float.POSITIVE_INFINITY, s[0][6]);
    assertEquals(Float.POSITIVE_INFINITY, s[0][7]);
    assertArrayEquals(new int[] {1, 3, 6, 7}, KvPolicy.select(s, 4)[0]);
    // a budget smaller than the window keeps the most recent positions
    assertArrayEquals(new int[] {7}, KvPolicy.select(s, 1)[0]);
    assertEquals(p.keepWholeReason(2, 1) != null, true, "a context no longer than the window is kept whole");
  }

  @Test
  void snapKvMaxPool() {
    KvPolicy p = KvPolicies.of("snapkv", Map.of("window", 2, "kernel", 3, "pooling", "maxpool"));
    float[][] s = p.score(new LayerState(0, 2, 1, 8, null, snapAttention(), null));
    // head 0 max-pooled [0, .9, .9, .9, 0, 0], head 1 [.3, .3, .06, .54, .54, .54]... mean per position
    float[] h0 = {0, .9f, .9f, .9f, 0, 0};
    float[] h1 = {.3f, .3f, 0, .06f, .54f, .54f};
    for (int j = 0; j < 6; j++) assertEquals((h0[j] + h1[j]) / 2, s[0][j], 1e-6, "position " + j);
  }

  @Test
  void poolingMatchesTorchDefinitions() {
    float[] x = {1, 2, 3, 4};
    assertArrayEquals(new float[] {1f, 2f, 3f, 7f / 3}, SnapKv.pool(x, 4, 3, SnapKv.Pooling.AVGPOOL), 1e-6f);
    assertArrayEquals(new float[] {6f / 5, 10f / 5, 10f / 5, 9f / 5}, SnapKv.pool(x, 4, 5, SnapKv.Pooling.AVGPOOL), 1e-6f);
    assertArrayEquals(new float[] {2, 3, 4, 4}, SnapKv.pool(x, 4, 3, SnapKv.Pooling.MAXPOOL), 0f);
  }

  @Test
  void windowAttentionIsCausalSoftmaxOfTheWindowQueries() {
    // 2 query heads, 1 KV head, d = 2, 4 keys, window of the last 2 queries
    float[] k = {1, 0, 0, 1, 1, 1, -1, 0};
    float[] q = {1, 0, 0, 2, /* head 1 */ 0.5f, 0.5f, -1, 1};
    try (NDManager sub = m.newSubManager()) {
      NDArray keys = sub.create(k, new Shape(1, 4, 2));
      NDArray qs = sub.create(q, new Shape(2, 2, 2));
      float[] a = KvCompressor.windowAttention(qs, keys).toFloatArray();
      assertEquals(2 * 2 * 4, a.length);
      for (int h = 0; h < 2; h++) {
        for (int i = 0; i < 2; i++) {
          int sees = 2 + i + 1; // query at position 2+i sees keys 0..2+i
          double[] e = new double[4];
          double z = 0;
          for (int j = 0; j < sees; j++) {
            double dot = q[(h * 2 + i) * 2] * k[j * 2] + q[(h * 2 + i) * 2 + 1] * k[j * 2 + 1];
            e[j] = Math.exp(dot / Math.sqrt(2));
            z += e[j];
          }
          for (int j = 0; j < 4; j++) assertEquals(e[j] / z, a[(h * 2 + i) * 4 + j], 1e-6, "head " + h + " query " + i + " key " + j);
        }
      }
    }
  }

  @Test
  void streamingLlmKeepsSinksAndRecent() {
    KvPolicy p = KvPolicies.of("streaming_llm", Map.of("n_sink", 2));
    float[][] s = p.score(new LayerState(0, 4, 2, 11, null, null, null));
    int[][] kept = KvPolicy.select(s, 5);
    assertArrayEquals(new int[] {0, 1, 8, 9, 10}, kept[0]);
    assertArrayEquals(kept[0], kept[1]);
    // default 4 sinks, budget 0.2 × 11 → 3 positions: only sinks fit
    KvPolicy d = KvPolicies.of("streaming_llm", Map.of());
    int n = new KvSpec("streaming_llm", 0.2, Map.of(), true, null).keptPositions(11);
    assertEquals(3, n);
    assertArrayEquals(new int[] {0, 1, 2}, KvPolicy.select(d.score(new LayerState(0, 1, 1, 11, null, null, null)), n)[0]);
    assertArrayEquals(new int[] {0, 1, 2, 3, 9, 10}, KvPolicy.select(d.score(new LayerState(0, 1, 1, 11, null, null, null)), 6)[0]);
  }

  @Test
  void h2oNormalisesByTheQueriesThatSawAKeyAndAveragesTheGroup() {
    // cumulative attention, 2 query heads → 1 KV head, 4 positions; divided by (4, 3, 2, 1):
    // head 0 [.5, .3, .3, .9], head 1 [.25, .5, .2, .1] → mean [.375, .4, .25, .5] → keep {1, 3}
    // (the raw sums [1.5, 1.2, .5, .5] would keep {0, 1})
    NDArray cum = arr(new float[] {2.0f, 0.9f, 0.6f, 0.9f, 1.0f, 1.5f, 0.4f, 0.1f}, 2, 4);
    float[][] s = new H2o().score(new LayerState(0, 2, 1, 4, null, null, cum));
    assertArrayEquals(new float[] {.375f, .4f, .25f, .5f}, s[0], 1e-6f);
    assertArrayEquals(new int[] {1, 3}, KvPolicy.select(s, 2)[0]);
  }

  @Test
  void knormKeepsLowNormKeys() {
    // one KV head, keys (3,4) (1,0) (0,2) (.5,.5): norms 5, 1, 2, .71 → keep {1, 3}; second head reversed order
    NDArray keys = arr(new float[] {3, 4, 1, 0, 0, 2, .5f, .5f, /* head 1 */ .5f, .5f, 0, 2, 1, 0, 3, 4}, 2, 4, 2);
    float[][] s = new KNorm().score(new LayerState(0, 2, 2, 4, keys, null, null));
    assertEquals(-5f, s[0][0], 1e-6);
    assertArrayEquals(new int[] {1, 3}, KvPolicy.select(s, 2)[0]);
    assertArrayEquals(new int[] {0, 2}, KvPolicy.select(s, 2)[1], "heads select independently");
  }

  @Test
  void randomIsSeededPerLayer() {
    LayerState st = new LayerState(0, 2, 2, 50, null, null, null);
    int[][] a = KvPolicy.select(KvPolicies.of("random", Map.of("seed", 7)).score(st), 10);
    int[][] b = KvPolicy.select(KvPolicies.of("random", Map.of("seed", 7L)).score(st), 10);
    int[][] c = KvPolicy.select(KvPolicies.of("random", Map.of("seed", 8)).score(st), 10);
    int[][] other = KvPolicy.select(KvPolicies.of("random", Map.of("seed", 7)).score(new LayerState(1, 2, 2, 50, null, null, null)), 10);
    assertTrue(Arrays.deepEquals(a, b));
    assertFalse(Arrays.deepEquals(a, c));
    assertFalse(Arrays.deepEquals(a, other));
    assertEquals(0L, ((RandomPolicy) KvPolicies.of("random", Map.of())).seed());
  }

  @Test
  void everyPolicyKeepsExactlyCeilBudgetTimesLengthPerHeadInOrder() {
    int len = 11;
    KvSpec spec = new KvSpec("x", 0.2, Map.of(), true, null);
    assertEquals(3, spec.keptPositions(len));
    Random r = new Random(3);
    float[] keys = new float[2 * len * 4];
    for (int i = 0; i < keys.length; i++) keys[i] = (float) r.nextGaussian();
    float[] attn = new float[4 * 2 * len];
    float[] cum = new float[4 * len];
    for (int i = 0; i < attn.length; i++) attn[i] = r.nextFloat();
    for (int i = 0; i < cum.length; i++) cum[i] = r.nextFloat();
    LayerState st = new LayerState(0, 4, 2, len, arr(keys, 2, len, 4), arr(attn, 4, 2, len), arr(cum, 4, len));
    for (String name : KvPolicies.names()) {
      KvPolicy p = KvPolicies.of(name, Map.of("window", 2));
      int[][] kept = KvPolicy.select(p.score(st), spec.keptPositions(len));
      assertEquals(2, kept.length, name);
      for (int[] h : kept) {
        assertEquals(3, h.length, name);
        for (int j = 1; j < h.length; j++) assertTrue(h[j - 1] < h[j], name + " keeps positions in original order");
      }
    }
  }

  @Test
  void selectBreaksTiesTowardsRecentPositions() {
    assertArrayEquals(new int[] {2, 3}, KvPolicy.select(new float[][] {{1, 1, 1, 1}}, 2)[0]);
    assertArrayEquals(new int[] {0, 3}, KvPolicy.select(new float[][] {{5, 1, 1, 1}}, 2)[0]);
  }

  @Test
  void paramsAreValidatedAndUnknownKeysIgnored() {
    KvPolicy p = KvPolicies.of("SnapKV", Map.of("prompt_tokens", 123, "window", 16.0, "kernel", "5"));
    assertEquals(new SnapKv(16, 5, SnapKv.Pooling.AVGPOOL), p);
    assertEquals(new SnapKv(32, 7, SnapKv.Pooling.AVGPOOL), KvPolicies.of("snapkv", null));
    assertEquals(new StreamingLlm(4), KvPolicies.of("streaming_llm", Map.of("seed", 3)));
    assertInstanceOf(KvPolicy.Full.class, KvPolicies.of("full", Map.of("window", "ignored")));
    assertNull(new H2o().keepWholeReason(10, 9));
    for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(Map.of("window", 0), Map.of("kernel", 4),
        Map.of("pooling", "median"), Map.of("window", 2.5), Map.of("kernel", "seven"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvPolicies.of("snapkv", bad));
      assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> KvPolicies.of("streaming_llm", Map.of("n_sink", -1)));
    assertThrows(IllegalArgumentException.class, () -> KvPolicies.of("random", Map.of("seed", "abc")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvPolicies.of("pyramidkv", Map.of()));
    assertTrue(e.getMessage().contains("pyramidkv") && e.getMessage().contains("snapkv"), e.getMessage());
  }
}
