package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.Models;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The forward passes against transformers' goldens, for every model folder in ../shared/models. */
class ModelParityTest {

  @TestFactory
  Stream<DynamicTest> matchesTransformers() throws Exception {
    List<Path> dirs = Golden.modelDirs();
    assertTrue(dirs.size() >= 3, "expected the three shared model folders, found " + dirs);
    return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(Golden.load(d))));
  }

  private static void check(Golden g) {
    double tol = g.logitTolerance();
    try (NDManager m = NDManager.newBaseManager(); CausalLM model = Models.load(g.dir(), m, DataType.FLOAT32)) {
      for (Golden.Sequence s : g.sequences()) {
        float[][] logits = fullForward(model, m, s.ids());
        float[] last = logits[logits.length - 1];
        assertEquals(s.lastLogits().length, last.length, "vocab");
        double maxDiff = 0;
        for (int i = 0; i < last.length; i++) maxDiff = Math.max(maxDiff, Math.abs(last[i] - s.lastLogits()[i]));
        System.out.printf("parity %s/%s: max |Δlogit| %.3g (tolerance %.3g)%n", g.name(), s.name(), maxDiff, tol);
        assertTrue(maxDiff <= tol, g.name() + "/" + s.name() + ": last logits differ by " + maxDiff + " > " + tol);
        double sum = 0;
        for (int p = 0; p < s.ids().length; p++) {
          double[] lp = LogProbs.logSoftmax(logits[p]);
          Map<Integer, Double> mine = new HashMap<>();
          for (int id : LogProbs.topK(lp, 8)) mine.put(id, lp[id]);
          int[] ids = s.top5Ids().get(p);
          double[] ref = s.top5Logprobs().get(p);
          for (int j = 0; j < ids.length; j++) {
            Double v = mine.get(ids[j]);
            assertNotNull(v, g.name() + "/" + s.name() + " position " + p + ": golden top-5 id " + ids[j] + " not in my top-8");
            assertEquals(ref[j], v, tol, g.name() + "/" + s.name() + " position " + p + " id " + ids[j]);
          }
          if (p + 1 < s.ids().length) {
            double nt = lp[s.ids()[p + 1]];
            assertEquals(s.nextTokenLogprobs()[p], nt, tol, g.name() + "/" + s.name() + " next-token logprob at " + p);
            sum += nt;
          }
        }
        assertEquals(s.sumLogprob(), sum, tol * Math.max(1, s.ids().length / 4.0), g.name() + "/" + s.name() + " sum_logprob");
      }
      assertArrayEquals(g.genNewIds(), greedy(model, m, g.genPrompt(), g.genNewIds().length), g.name() + " greedy new_ids");
    }
  }

  static float[][] fullForward(CausalLM model, NDManager m, int[] ids) {
    try (NDManager step = m.newSubManager(); KvCache cache = model.newCache(step)) {
      NDArray logits = model.forward(step, ids, cache, 0);
      float[] flat = logits.toFloatArray();
      int v = (int) logits.getShape().get(1);
      float[][] out = new float[ids.length][];
      for (int i = 0; i < ids.length; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
      return out;
    }
  }

  static int[] greedy(CausalLM model, NDManager m, int[] prompt, int n) {
    int[] out = new int[n];
    try (NDManager seq = m.newSubManager(); KvCache cache = model.newCache(seq)) {
      int[] next = prompt;
      for (int i = 0; i < n; i++) {
        try (NDManager step = seq.newSubManager()) {
          float[] logits = model.forward(step, next, cache, next.length - 1).toFloatArray();
          out[i] = LogProbs.argMax(logits);
          next = new int[] {out[i]};
        }
      }
    }
    return out;
  }
}
