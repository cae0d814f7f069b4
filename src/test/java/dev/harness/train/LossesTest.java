package dev.harness.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three objectives against values computed by hand, on padded batches. */
class LossesTest {
  private static float ln(double x) { return (float) Math.log(x); }

  /** Logits whose softmax is {@code p} (log p; p > 0). */
  private static float[] logitsOf(double... p) {
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) out[i] = ln(p[i]);
    return out;
  }

  /** Full [B·T, V] logits: the given rows at their positions, a peaked distribution elsewhere (wrong rows would show). */
  private static NDArray full(NDManager m, int rows, int vocab, long[] at, float[][] values) {
    float[] all = new float[rows * vocab];
    for (int r = 0; r < rows; r++) all[r * vocab] = 30f; // every other row: all mass on id 0
    for (int i = 0; i < at.length; i++) System.arraycopy(values[i], 0, all, (int) at[i] * vocab, vocab);
    return m.create(all, new Shape(rows, vocab));
  }

  private static double lossAtRows(Objective o, NDManager m, TrainBatch b, NDArray full) {
    NDArray rows = full.get(new NDIndex("{}", m.create(o.rows(b))));
    return o.loss(rows, b).getFloat();
  }

  @Test
  void sftIsTheMeanCrossEntropyOverResponseTokensOnly() {
    // A: ids [1, 2, 0], response from index 2 → position 1 predicts 0. B: ids [2, 1], response from 1 → position 0
    // predicts 1; B is padded to length 3.
    TrainBatch b = TrainBatch.of(List.of(TrainExample.sft(1, new int[] {1, 2, 0}, 2), TrainExample.sft(2, new int[] {2, 1}, 1)), 0);
    SftLoss sft = new SftLoss();
    assertArrayEquals(new long[] {1, 3}, sft.rows(b));
    assertArrayEquals(new long[] {0, 1}, SftLoss.labels(b));
    assertEquals(2, sft.count(b));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = full(m, 6, 3, new long[] {1, 3}, new float[][] {logitsOf(0.5, 0.25, 0.25), {0f, 0f, 0f}});
      // −(log 0.5 + log 1/3) / 2 = ln 6 / 2
      assertEquals(Math.log(6) / 2, lossAtRows(sft, m, b, logits), 1e-6);
    }
  }

  @Test
  void tvdCountsMassOutsideTheTargetsAtTheLastRealPosition() {
    // A (length 3): targets {1: 0.7, 2: 0.3}, model p = [0.1, 0.5, 0.2, 0.2] → ½(0.2 + 0.1) + ½(1 − 0.7) = 0.3.
    // B (length 1, padded to 3): target {3: 1.0}, model uniform → ½·0.75 + ½·0.75 = 0.75. Mean 0.525.
    TrainBatch b = TrainBatch.of(List.of(
        TrainExample.targets(1, new int[] {1, 2, 3}, new int[] {1, 2}, new float[] {0.7f, 0.3f}),
        TrainExample.targets(2, new int[] {2}, new int[] {3}, new float[] {1f})), 0);
    TvdLoss tvd = new TvdLoss();
    assertArrayEquals(new long[] {2, 3}, tvd.rows(b), "rows of the last REAL positions: 0·3+2 and 1·3+0");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = full(m, 6, 4, new long[] {2, 3}, new float[][] {logitsOf(0.1, 0.5, 0.2, 0.2), {0f, 0f, 0f, 0f}});
      assertEquals(0.525, lossAtRows(tvd, m, b, logits), 1e-6);
      NDArray rows = logits.get(new NDIndex("{}", m.create(tvd.rows(b))));
      assertArrayEquals(new float[] {0.3f, 0.75f}, tvd.perExample(rows, b).toFloatArray(), 1e-6f);
      // Reading the padded last position (row 5) instead would give the peaked row: TVD ½(1 + 1) = 1 for B.
      NDArray wrong = logits.get(new NDIndex("{}", m.create(new long[] {2, 5})));
      assertEquals(1.0, tvd.perExample(wrong, b).toFloatArray()[1], 1e-5);
    }
  }

  @Test
  void klIsTargetWeightedLogRatioFromLogSoftmax() {
    TrainBatch b = TrainBatch.of(List.of(
        TrainExample.targets(1, new int[] {1, 2, 3}, new int[] {1, 2}, new float[] {0.7f, 0.3f}),
        TrainExample.targets(2, new int[] {2}, new int[] {3}, new float[] {1f})), 0);
    KlLoss kl = new KlLoss();
    double a = 0.7 * Math.log(0.7 / 0.5) + 0.3 * Math.log(0.3 / 0.2);
    double c = Math.log(4);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = full(m, 6, 4, new long[] {2, 3}, new float[][] {logitsOf(0.1, 0.5, 0.2, 0.2), {0f, 0f, 0f, 0f}});
      assertEquals((a + c) / 2, lossAtRows(kl, m, b, logits), 1e-6);
      // Large logits: log-softmax stays finite where log(softmax) would underflow to −∞.
      TrainBatch one = TrainBatch.of(List.of(TrainExample.targets(1, new int[] {1}, new int[] {1}, new float[] {1f})), 0);
      NDArray extreme = m.create(new float[] {0f, -200f}, new Shape(1, 2));
      assertEquals(200.0, kl.loss(extreme, one).getFloat(), 1e-3);
    }
  }
}
