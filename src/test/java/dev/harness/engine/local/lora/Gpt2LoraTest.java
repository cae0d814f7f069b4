package dev.harness.engine.local.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.weights.SafetensorsFile;
import dev.harness.engine.local.weights.SafetensorsWriter;
import dev.harness.engine.local.weights.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2's Conv1D (weights stored [in, out], PEFT's fan_in_fan_out): a random adapter on c_attn (the fused q|k|v) and
 * mlp.c_fc of some layers, written with {@link PeftAdapter#save}, gives the same logits unmerged, merged, and as a
 * checkpoint whose Conv1D weights this test merged by hand (W[i][o] += scaling · Σk B[o][k]·A[k][i]).
 */
class Gpt2LoraTest {
  static final Path GPT2 = Path.of("../shared/models/tiny-random-gpt2");

  @TempDir Path tmp;

  @Test
  void mergedEqualsUnmergedEqualsHandMergedCheckpoint() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GPT2), "SKIPPED: " + GPT2 + " absent");
    int e = 32;
    int inner = 4 * e; // n_inner null → 4 × n_embd
    Random rnd = new Random(5);
    LoraConfig cfg = new LoraConfig(2, 3, 0.0, List.of("c_attn", "c_fc"), null, true, "none", false, null,
        List.of(0, 2, 4), null, Map.of("c_fc", 3), Map.of(), "CAUSAL_LM", "LORA", "tiny-random-gpt2", true);
    Map<String, LoraPair> pairs = new LinkedHashMap<>();
    for (int l : new int[] {0, 2, 4}) {
      pairs.put("transformer.h." + l + ".attn.c_attn", pair(rnd, 2, e, 3 * e));
      pairs.put("transformer.h." + l + ".mlp.c_fc", pair(rnd, 3, e, inner));
    }
    Path adapter = tmp.resolve("adapter");
    PeftAdapter.save(adapter, cfg, pairs);
    // hand merge into a copy of the checkpoint
    Path merged = tmp.resolve("merged");
    Files.createDirectories(merged);
    try (Stream<Path> files = Files.list(GPT2)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().equals("model.safetensors")) Files.copy(f, merged.resolve(f.getFileName()));
      }
    }
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile st = SafetensorsFile.open(GPT2.resolve("model.safetensors"))) {
      for (TensorEntry t : st.entries().values()) {
        float[] v = st.floats(t);
        String module = "transformer." + t.name().replaceFirst("^transformer\\.", "").replaceFirst("\\.weight$", "");
        LoraPair p = t.name().endsWith(".weight") ? pairs.get(module) : null;
        if (p != null) {
          double s = cfg.scaling(module);
          int out = p.out();
          for (int i = 0; i < p.in(); i++) {
            for (int o = 0; o < out; o++) {
              double d = 0;
              for (int k = 0; k < p.r(); k++) d += p.b()[o * p.r() + k] * (double) p.a()[k * p.in() + i];
              v[i * out + o] += (float) (s * d);
            }
          }
        }
        w.add(t.name(), t.shape(), v);
      }
    }
    w.write(merged.resolve("model.safetensors"));
    int[] ids = new int[40];
    for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(1000);
    float[][] base;
    float[][] unmerged;
    float[][] folded;
    float[][] hand;
    try (LocalEngine b = LocalEngine.open(GPT2, LocalOptions.cpu())) {
      base = b.logits(ids);
      b.addAdapter("x", adapter);
      try (LocalEngine v = b.withAdapter("x")) {
        unmerged = v.logits(ids);
      }
    }
    try (LocalEngine m = LocalEngine.open(GPT2, LocalOptions.cpu())) {
      m.mergeAdapter(adapter);
      folded = m.logits(ids);
    }
    try (LocalEngine h = LocalEngine.open(merged, LocalOptions.cpu())) {
      hand = h.logits(ids);
    }
    double scale = maxAbs(hand);
    double moved = maxDiff(base, hand);
    System.out.printf("gpt2 lora: max|logit| %.3g, adapter moves logits by %.3g; unmerged-hand %.3g, merged-hand %.3g%n",
        scale, moved, maxDiff(unmerged, hand), maxDiff(folded, hand));
    assertTrue(moved > 100 * 1e-5 * scale, "the adapter must move the logits clearly (moved " + moved + ")");
    assertTrue(maxDiff(unmerged, hand) <= 1e-5 * scale + 1e-6, "unmerged vs hand-merged " + maxDiff(unmerged, hand));
    assertTrue(maxDiff(folded, hand) <= 1e-5 * scale + 1e-6, "merged vs hand-merged " + maxDiff(folded, hand));
    assertTrue(maxDiff(folded, unmerged) <= 1e-5 * scale + 1e-6, "merged vs unmerged " + maxDiff(folded, unmerged));
  }

  static LoraPair pair(Random rnd, int r, int in, int out) {
    float[] a = new float[r * in];
    float[] b = new float[out * r];
    for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextGaussian() * 0.3);
    for (int i = 0; i < b.length; i++) b[i] = (float) (rnd.nextGaussian() * 0.3);
    return new LoraPair(a, r, in, b, out);
  }

  static double maxAbs(float[][] x) {
    double m = 0;
    for (float[] r : x) for (float v : r) m = Math.max(m, Math.abs(v));
    return m;
  }

  static double maxDiff(float[][] x, float[][] y) {
    double m = 0;
    for (int i = 0; i < x.length; i++) for (int j = 0; j < x[i].length; j++) m = Math.max(m, Math.abs(x[i][j] - y[i][j]));
    return m;
  }
}
