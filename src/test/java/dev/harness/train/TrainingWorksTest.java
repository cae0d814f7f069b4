package dev.harness.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training on tiny-llama-gqa moves the model where the objective says, and touches nothing but LoRA. */
class TrainingWorksTest {
  static TrainSettings settings(String objective, double lr, int maxSteps, double dropout) {
    return new TrainSettings(objective, lr, 0.0, "constant", null, 0, null, maxSteps, 1, 1, 1.0, 7L, 0.0, 0, 0,
        false, 256, null, null, null);
  }

  /** The base model's two most likely next tokens after {@code prompt} (most likely first). */
  static int[] topTwo(TrainableLlama m, NDManager root, int[] prompt) {
    try (NDManager step = root.newSubManager()) {
      var h = m.hidden(step, new int[][] {prompt}, null, false);
      float[] p = m.logits(h.get(new ai.djl.ndarray.index.NDIndex("{}:", prompt.length - 1))).softmax(-1).toFloatArray();
      int a = 0;
      for (int i = 1; i < p.length; i++) if (p[i] > p[a]) a = i;
      int b = a == 0 ? 1 : 0;
      for (int i = 0; i < p.length; i++) if (i != a && p[i] > p[b]) b = i;
      return new int[] {a, b};
    }
  }

  @Test
  void tvdTowardsSeventyThirtyFallsBelowFivePercentWithinSixtySteps() {
    Path dir = TrainFixtures.model("tiny-llama-gqa");
    LoraSettings lora = new LoraSettings(8, 16.0, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj"), false);
    try (HfTokenizer tok = HfTokenizer.open(dir); NDManager root = NDManager.newBaseManager();
        TrainableLlama m = TrainableLlama.load(dir, root, BaseFormat.FLOAT32, lora, 3)) {
      int[] prompt = tok.encodeIds("Pick a colour: my answer is:", false);
      int[] top = topTwo(m, root, prompt);
      TrainExample ex = TrainExample.targets(1, prompt, new int[] {top[1], top[0]}, new float[] {0.7f, 0.3f});
      List<TrainExample> data = List.of(ex);
      Trainer tr = new Trainer(m, new TvdLoss(), settings("tvd", 1e-3, 60, 0), data, data, 0, root);
      double before = tr.evaluate().mean();
      List<StepRecord> steps = new ArrayList<>();
      int[] reachedAt = {-1};
      tr.run(0, 60, r -> {
        steps.add(r);
        if (reachedAt[0] < 0 && r.loss() < 0.05) reachedAt[0] = r.step(); // no dropout: the step's loss is the TVD
      }, s -> {});
      double after = tr.evaluate().mean();
      assertTrue(before > 0.4, "the base model does not already do it: TVD before = " + before);
      assertTrue(reachedAt[0] > 0 && reachedAt[0] <= 60, "TVD below 0.05 by step 60 (first at " + reachedAt[0] + ")");
      assertTrue(after < 0.05, "TVD after 60 steps = " + after + " (before " + before + ")");
    }
  }

  @Test
  void sftLossFallsAndOnlyLoraChangesBaseWeightsStayBitIdentical() throws Exception {
    Path dir = TrainFixtures.model("tiny-llama-gqa");
    LoraSettings lora = new LoraSettings(4, 8.0, 0.1, List.of("q_proj", "v_proj", "down_proj"), false);
    try (HfTokenizer tok = HfTokenizer.open(dir); NDManager root = NDManager.newBaseManager();
        TrainableLlama m = TrainableLlama.load(dir, root, BaseFormat.FLOAT32, lora, 5)) {
      List<TrainExample> data = new TrainData(tok, 128, w -> {}).read(Path.of("data/fixtures/sft_tiny.jsonl"), "auto", 8);
      List<float[]> before = new ArrayList<>();
      for (var a : m.frozenArrays()) before.add(a.toFloatArray());
      float[] a0 = m.lora().get(0).a().clone();
      TrainSettings t = new TrainSettings("sft", 5e-3, 0.01, "constant", null, 0, null, 8, 4, 1, 1.0, 9L, 0.0, 0, 0,
          false, 128, null, null, null);
      Trainer tr = new Trainer(m, new SftLoss(), t, data, data, 0, root);
      double lossBefore = tr.evaluate().mean();
      tr.run(0, 8, r -> {}, s -> {});
      double lossAfter = tr.evaluate().mean();
      assertTrue(lossAfter < lossBefore - 1.0, "SFT loss on the training set: before " + lossBefore + ", after " + lossAfter);
      List<ai.djl.ndarray.NDArray> frozen = m.frozenArrays();
      for (int i = 0; i < frozen.size(); i++) {
        assertArrayEquals(before.get(i), frozen.get(i).toFloatArray(), "frozen array " + i + " is bit-identical");
        assertTrue(!frozen.get(i).hasGradient(), "frozen array " + i + " never asked for a gradient");
      }
      assertTrue(TrainFixtures.maxAbsDiff(a0, m.lora().get(0).a()) > 0, "LoRA A moved");
      double bMax = 0;
      for (float x : m.lora().get(0).b()) bMax = Math.max(bMax, Math.abs(x));
      assertTrue(bMax > 0, "LoRA B left zero");
    }
  }

  @Test
  void aGarbageCollectionBetweenForwardAndBackwardChangesNothing() {
    // Regression: DJL frees the temporary array behind x.mul(Number) at once; autograd kept it for the backward pass,
    // and a GC in between turned every LoRA gradient into NaN. Scalars now live in the step's manager.
    Path dir = TrainFixtures.model("tiny-llama-gqa");
    LoraSettings lora = new LoraSettings(4, 8.0, 0.1, List.of("q_proj", "v_proj"), false);
    List<List<StepRecord>> runs = new ArrayList<>();
    for (boolean gc : new boolean[] {false, true}) {
      try (NDManager root = NDManager.newBaseManager(); TrainableLlama m = TrainableLlama.load(dir, root, BaseFormat.FLOAT32, lora, 5)) {
        List<TrainExample> data = List.of(TrainExample.sft(1, new int[] {5, 77, 301, 12, 999, 64}, 3),
            TrainExample.targets(2, new int[] {8, 9}, new int[] {1}, new float[] {1f}));
        TrainSettings t = new TrainSettings("sft", 1e-3, 0.0, "constant", null, 0, null, 3, 1, 1, 0.0, 9L, 0.0, 0, 0,
            false, 64, null, null, null);
        Trainer tr = new Trainer(m, new SftLoss(), t, data.subList(0, 1), List.of(), 0, root);
        if (gc) tr.beforeBackward(() -> { System.gc(); System.gc(); });
        List<StepRecord> steps = new ArrayList<>();
        tr.run(0, 3, steps::add, s -> {});
        runs.add(steps);
      }
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(Double.isFinite(runs.get(1).get(i).gradNorm()), "step " + (i + 1) + " gradient finite with a GC");
      assertEquals(runs.get(0).get(i).gradNorm(), runs.get(1).get(i).gradNorm(), 0.0, "same gradient with and without a GC");
      assertEquals(runs.get(0).get(i).loss(), runs.get(1).get(i).loss(), 0.0);
    }
  }
}
