package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.RandomCheckpoints.Spec;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.Models;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched forward pass on random checkpoints of every architecture: a left-padded batch of prompts of different
 * lengths, prefilled in two chunks and then decoded step by step (with a sequence dropped midway), gives every
 * sequence the logits of its own single-sequence forward pass, whatever the pad token.
 */
class BatchForwardTest {
  static NDManager m;
  @TempDir Path tmp;

  @BeforeAll
  static void init() { m = NDManager.newBaseManager(ai.djl.Device.cpu()); }

  @AfterAll
  static void done() { m.close(); }

  static final int[][] PROMPTS = {{3, 17, 42, 5, 9, 63, 0, 28, 11}, {7, 50}, {33, 2, 8, 19, 4}};
  static final int[][] NEXT = {{12, 13, 14, 15}, {20, 21, 22, 23}, {30, 31, 32, 33}};

  @TestFactory
  Stream<DynamicTest> batchedForwardEqualsSingleSequenceForward() {
    return ModelInvariantsTest.specs().stream().map(s -> DynamicTest.dynamicTest(s.arch() + (s.gpt2Prefix() ? " (transformer.)" : ""), () -> {
      Path dir = RandomCheckpoints.write(tmp.resolve(s.arch() + s.gpt2Prefix()), s, 21);
      try (CausalLM model = Models.load(dir, m, DataType.FLOAT32)) {
        float[][][] single = new float[PROMPTS.length][][];
        for (int b = 0; b < PROMPTS.length; b++) single[b] = singleRun(model, b);
        for (int pad : new int[] {0, 63}) {
          float[][][] batched = batchRun(model, pad);
          for (int b = 0; b < PROMPTS.length; b++) {
            for (int step = 0; step < single[b].length; step++) {
              if (batched[b][step] == null) continue; // dropped
              for (int j = 0; j < single[b][step].length; j++) {
                assertEquals(single[b][step][j], batched[b][step][j], 1e-5, s.arch() + " pad " + pad + " seq " + b + " step " + step + " logit " + j);
              }
            }
          }
        }
      }
    }));
  }

  /** Logits after the prompt, then after each of NEXT[b]. */
  static float[][] singleRun(CausalLM model, int b) {
    float[][] out = new float[1 + NEXT[b].length][];
    try (NDManager seq = m.newSubManager(); KvCache cache = model.newCache(seq)) {
      try (NDManager step = seq.newSubManager()) {
        out[0] = model.forward(step, PROMPTS[b], cache, PROMPTS[b].length - 1).toFloatArray();
      }
      for (int i = 0; i < NEXT[b].length; i++) {
        try (NDManager step = seq.newSubManager()) {
          out[i + 1] = model.forward(step, new int[] {NEXT[b][i]}, cache, 0).toFloatArray();
        }
      }
    }
    return out;
  }

  /** The same through one left-padded batch; sequence 1 is dropped after two decode steps. */
  static float[][][] batchRun(CausalLM model, int pad) {
    int n = PROMPTS.length;
    int width = Arrays.stream(PROMPTS).mapToInt(p -> p.length).max().orElseThrow();
    int[][] ids = new int[n][width];
    boolean[][] real = new boolean[n][width];
    for (int b = 0; b < n; b++) {
      int off = width - PROMPTS[b].length;
      Arrays.fill(ids[b], pad);
      for (int i = 0; i < PROMPTS[b].length; i++) {
        ids[b][off + i] = PROMPTS[b][i];
        real[b][off + i] = true;
      }
    }
    float[][][] out = new float[n][1 + NEXT[0].length][];
    try (NDManager seq = m.newSubManager(); BatchKvCache cache = model.newBatchCache(seq, n, 4)) {
      int cut = 4; // two prefill chunks, the first all padding for sequence 1
      for (int[] range : new int[][] {{0, cut}, {cut, width}}) {
        int[][] ci = new int[n][];
        boolean[][] cr = new boolean[n][];
        for (int b = 0; b < n; b++) {
          ci[b] = Arrays.copyOfRange(ids[b], range[0], range[1]);
          cr[b] = Arrays.copyOfRange(real[b], range[0], range[1]);
        }
        try (NDManager step = seq.newSubManager()) {
          float[] flat = model.forwardBatch(step, ci, cr, cache, ci[0].length - 1).toFloatArray();
          if (range[1] == width) store(out, new int[] {0, 1, 2}, 0, flat);
        }
      }
      int[] rows = {0, 1, 2};
      for (int i = 0; i < NEXT[0].length; i++) {
        if (i == 2) {
          rows = new int[] {0, 2};
          cache.keep(new int[] {0, 2});
        }
        int[][] ci = new int[rows.length][];
        boolean[][] cr = new boolean[rows.length][];
        for (int r = 0; r < rows.length; r++) {
          ci[r] = new int[] {NEXT[rows[r]][i]};
          cr[r] = new boolean[] {true};
        }
        try (NDManager step = seq.newSubManager()) {
          store(out, rows, i + 1, model.forwardBatch(step, ci, cr, cache, 0).toFloatArray());
        }
      }
    }
    return out;
  }

  private static void store(float[][][] out, int[] rows, int step, float[] flat) {
    int v = flat.length / rows.length;
    for (int r = 0; r < rows.length; r++) out[rows[r]][step] = Arrays.copyOfRange(flat, r * v, (r + 1) * v);
  }
}
