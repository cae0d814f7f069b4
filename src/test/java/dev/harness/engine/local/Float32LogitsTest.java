package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With float16 compute, what leaves the model is float32: the logits array of the forward pass (single and batched) and
 * the log-softmax and sums taken from it (in double, {@link LogProbs}). Without the models' cast to float32 before the
 * logits are returned, the arrays here are float16 and the engine would read half-floats as floats.
 */
class Float32LogitsTest {
  static final int[] IDS = {1, 5, 9, 2, 7};

  @Test
  void float16ComputeReturnsFloat32LogitsFromBothForwardPasses() {
    for (String name : List.of("tiny-random-llama", "tiny-random-gpt2")) {
      try (LocalEngine e = LocalEngine.open(Golden.model(name), new LocalOptions("float16", "cpu", null));
          NDManager seq = e.newSequence()) {
        assertEquals(DataType.FLOAT16, e.model().dataType(), name + ": the model computes in float16");
        try (KvCache cache = e.model().newCache(seq); NDManager step = seq.newSubManager()) {
          NDArray l = e.model().forward(step, IDS, cache, 0);
          assertEquals(DataType.FLOAT32, l.getDataType(), name + " forward");
          assertEquals(IDS.length * (long) e.vocabSize(), l.size(), name + " forward shape");
        }
        try (BatchKvCache cache = e.model().newBatchCache(seq, 2, IDS.length); NDManager step = seq.newSubManager()) {
          boolean[][] real = {{true, true, true, true, true}, {false, false, true, true, true}};
          NDArray l = e.model().forwardBatch(step, new int[][] {IDS, {0, 0, 3, 4, 6}}, real, cache, 0);
          assertEquals(DataType.FLOAT32, l.getDataType(), name + " forwardBatch");
        }
      }
    }
  }

  @Test
  void logProbSumsAreTakenInDoubleFromTheFloat32Logits() {
    try (LocalEngine f16 = LocalEngine.open(Golden.model("tiny-random-llama"), new LocalOptions("float16", "cpu", null));
        LocalEngine f32 = LocalEngine.open(Golden.model("tiny-random-llama"), new LocalOptions("float32", "cpu", null))) {
      int[] ctx = {IDS[0], IDS[1]};
      int[] cont = {IDS[2], IDS[3], IDS[4]};
      float[][] logits = f16.logits(IDS); // [i] predicts IDS[i + 1]
      double want = 0;
      for (int j = 0; j < cont.length; j++) {
        float[] row = logits[ctx.length - 1 + j];
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) max = Math.max(max, v);
        double s = 0;
        for (float v : row) s += Math.exp((double) v - max);
        want += row[cont[j]] - (max + Math.log(s)); // by hand, in double
      }
      double got = f16.scoreIds(ctx, cont).stream().mapToDouble(TokenScore::logprob).sum();
      assertEquals(want, got, 1e-9, "the float16 engine's sum is the double sum over its float32 logits");
      double ref = f32.scoreIds(ctx, cont).stream().mapToDouble(TokenScore::logprob).sum();
      assertTrue(got != ref, "float16 and float32 gave the same sum: the float16 engine did not compute in float16");
      assertEquals(ref, got, 3 * 5e-4, "within Float16GoldenTest's tolerance per token for tiny-random-llama");
    }
  }
}
