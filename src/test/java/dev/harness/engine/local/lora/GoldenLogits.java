package dev.harness.engine.local.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a transformers/PEFT golden.json (see ../shared/models/NAME/SOURCE.md) these tests compare: per
 * sequence the input ids, last-position logits and next-token log-probs; the greedy generation; the tolerance scale.
 */
record GoldenLogits(List<Seq> sequences, int[] genPrompt, int[] genNewIds, double maxAbsLogit, double f32VsF64) {

  record Seq(String name, int[] ids, float[] lastLogits, double[] nextTokenLogprobs) {}

  /** The top-level goldens of {@code file}. */
  static GoldenLogits load(Path file) throws IOException {
    JsonNode g = new ObjectMapper().readTree(file.toFile());
    return of(g, g.get("float32_vs_float64_max_abs_logit_diff").asDouble());
  }

  /** The goldens after PEFT's merge_and_unload() (the {@code merged} object of an adapter's golden.json). */
  static GoldenLogits loadMerged(Path file) throws IOException {
    JsonNode g = new ObjectMapper().readTree(file.toFile());
    return of(g.get("merged"), g.get("float32_vs_float64_max_abs_logit_diff").asDouble());
  }

  private static GoldenLogits of(JsonNode g, double f32VsF64) {
    List<Seq> seqs = new ArrayList<>();
    for (JsonNode s : g.get("sequences")) {
      JsonNode last = s.get("last_logits");
      float[] l = new float[last.size()];
      for (int i = 0; i < l.length; i++) l[i] = (float) last.get(i).asDouble();
      JsonNode nt = s.get("next_token_logprobs");
      double[] n = new double[nt.size()];
      for (int i = 0; i < n.length; i++) n[i] = nt.get(i).asDouble();
      seqs.add(new Seq(s.get("name").asText(), ints(s.get("input_ids")), l, n));
    }
    JsonNode gen = g.get("generation");
    return new GoldenLogits(seqs, ints(gen.get("prompt_ids")), ints(gen.get("new_ids")), g.get("max_abs_logit").asDouble(), f32VsF64);
  }

  /** As the base parity tests: 1e-4 × max|logit|, never below 5× the reference's own float32 error, nor 1e-5. */
  double tolerance() { return Math.max(1e-5, Math.max(1e-4 * maxAbsLogit, 5 * f32VsF64)); }

  static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
    return out;
  }
}
