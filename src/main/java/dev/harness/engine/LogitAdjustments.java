package dev.harness.engine;

import java.util.Map;

/**
 * What a request asks to change in the next-token logits before sampling, as vLLM does it (vllm/v1/sample/sampler.py:
 * logit bias first, then {@code apply_penalties} of vllm/model_executor/layers/utils.py):
 * <ul>
 *   <li>{@code logitBias}: token id → value added to its logit (OpenAI's [-100, 100]);
 *   <li>{@code repetitionPenalty} (&gt; 0, 1 = off): a token already in the prompt or the output has its logit divided
 *       by it when positive, multiplied when not;
 *   <li>{@code frequencyPenalty}: subtracted once per occurrence of the token in the output so far;
 *   <li>{@code presencePenalty}: subtracted once when the token occurs in the output so far.
 * </ul>
 * Log-probs reported with a completion stay the model's own (vLLM v1's default {@code raw_logprobs}).
 */
public record LogitAdjustments(Map<Integer, Double> logitBias, double presencePenalty, double frequencyPenalty,
    double repetitionPenalty) {
  public static final LogitAdjustments NONE = new LogitAdjustments(Map.of(), 0, 0, 1);

  public LogitAdjustments {
    logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
  }

  public boolean isNone() {
    return logitBias.isEmpty() && presencePenalty == 0 && frequencyPenalty == 0 && repetitionPenalty == 1;
  }

  /**
   * The adjusted copy of {@code logits} for the next token after {@code prompt} and the {@code output} so far.
   * {@code logits} itself is left as it is.
   */
  public float[] apply(float[] logits, int[] prompt, java.util.List<Integer> output) {
    float[] l = logits.clone();
    for (Map.Entry<Integer, Double> b : logitBias.entrySet()) {
      int id = b.getKey();
      if (id >= 0 && id < l.length) l[id] += b.getValue().floatValue();
    }
    if (repetitionPenalty == 1 && frequencyPenalty == 0 && presencePenalty == 0) return l;
    int[] counts = new int[l.length];
    for (int id : output) if (id >= 0 && id < l.length) counts[id]++;
    if (repetitionPenalty != 1) {
      boolean[] seen = new boolean[l.length];
      for (int id : prompt) if (id >= 0 && id < l.length) seen[id] = true;
      for (int id = 0; id < l.length; id++) {
        if (seen[id] || counts[id] > 0) l[id] = l[id] > 0 ? (float) (l[id] / repetitionPenalty) : (float) (l[id] * repetitionPenalty);
      }
    }
    for (int id = 0; id < l.length; id++) {
      if (counts[id] > 0) l[id] -= (float) (frequencyPenalty * counts[id] + presencePenalty);
    }
    return l;
  }
}
