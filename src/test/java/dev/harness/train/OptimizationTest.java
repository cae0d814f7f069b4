package dev.harness.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AdamW, schedules, clipping and the batch plan against hand-computed values. */
class OptimizationTest {
  @Test
  void adamWTwoStepsByHand() {
    AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.1);
    float[] p = {1f};
    float[] m = {0f};
    float[] v = {0f};
    adam.update(p, new float[] {0.5f}, m, v, 1, 0.1);
    // decay 1·(1 − 0.01) = 0.99; m̂ = 0.5, v̂ = 0.25 → step 0.1·0.5/0.5 = 0.1 → 0.89
    assertEquals(0.89, p[0], 1e-6);
    assertEquals(0.05, m[0], 1e-7);
    assertEquals(0.00025, v[0], 1e-9);
    adam.update(p, new float[] {-0.5f}, m, v, 2, 0.1);
    // decay 0.89·0.99 = 0.8811; m = −0.005, v = 0.00049975; m̂ = −0.005/0.19, v̂ = 0.00049975/0.001999
    double mh = -0.005 / 0.19;
    double vh = 0.00049975 / 0.001999;
    assertEquals(0.8811 - 0.1 * mh / (Math.sqrt(vh) + 1e-8), p[0], 1e-6);
  }

  @Test
  void schedulesWithWarmup() {
    LrSchedule lin = new LrSchedule("linear", 1.0, 2, 10);
    assertEquals(0.0, lin.at(0), 1e-12);
    assertEquals(0.5, lin.at(1), 1e-12);
    assertEquals(1.0, lin.at(2), 1e-12);
    assertEquals(0.5, lin.at(6), 1e-12);
    assertEquals(0.125, lin.at(9), 1e-12);
    LrSchedule cos = new LrSchedule("cosine", 2.0, 2, 10);
    assertEquals(2.0, cos.at(2), 1e-12);
    assertEquals(1.0, cos.at(6), 1e-12);
    assertEquals(2.0 * 0.5 * (1 + Math.cos(Math.PI * 7 / 8)), cos.at(9), 1e-12);
    TrainSettings t = new TrainSettings(null, 1.0, null, "cosine", 0.03, null, null, 100, null, null, null, null, null,
        null, null, null, null, null, null, null);
    assertEquals(3, LrSchedule.of(t, 100).warmup(), "⌈0.03·100⌉");
  }

  @Test
  void clippingScalesTheGlobalNorm() {
    List<float[]> g = List.of(new float[] {3f}, new float[] {0f, 4f});
    assertEquals(5.0, GradClip.clip(g, 1.0), 1e-9);
    assertEquals(0.6, g.get(0)[0], 1e-6);
    assertEquals(0.8, g.get(1)[1], 1e-6);
    List<float[]> small = List.of(new float[] {0.3f, 0.4f});
    assertEquals(0.5, GradClip.clip(small, 1.0), 1e-7);
    assertArrayEquals(new float[] {0.3f, 0.4f}, small.get(0), "below the limit nothing changes");
  }

  @Test
  void batchPlanCoversEveryExampleOncePerEpochAndDependsOnlyOnSeedAndStep() {
    BatchPlan a = new BatchPlan(10, 3, 2, 5);
    assertEquals(4, a.batchesPerEpoch());
    assertEquals(6, a.stepsFor(3), "3 epochs · 4 batches / accum 2");
    Set<Integer> seen = new HashSet<>();
    int total = 0;
    for (int s = 0; s < 2; s++) {
      for (int micro = 0; micro < 2; micro++) {
        for (int i : a.batch(s, micro)) seen.add(i);
        total += a.batch(s, micro).length;
      }
    }
    assertEquals(10, seen.size());
    assertEquals(10, total);
    BatchPlan b = new BatchPlan(10, 3, 2, 5);
    assertArrayEquals(a.batch(5, 1), b.batch(5, 1), "a fresh plan (a resumed run) gives the same batch");
    List<Integer> e0 = new ArrayList<>();
    List<Integer> e1 = new ArrayList<>();
    for (int s = 0; s < 2; s++) for (int micro = 0; micro < 2; micro++) for (int i : a.batch(s, micro)) e0.add(i);
    for (int s = 2; s < 4; s++) for (int micro = 0; micro < 2; micro++) for (int i : a.batch(s, micro)) e1.add(i);
    assertNotEquals(e0, e1, "each epoch reshuffles");
    List<List<Integer>> split = BatchPlan.split(10, 0.2, 1);
    assertEquals(8, split.get(0).size());
    assertEquals(2, split.get(1).size());
    assertEquals(split, BatchPlan.split(10, 0.2, 1));
  }
}
