package dev.harness.engine;

import dev.harness.engine.Telemetry;
import dev.harness.engine.TokenScore;
import java.util.List;

/**
 * Teacher-forced log-likelihood of an answer after a (possibly KV-compressed) prompt.
 *
 * @param sum sum of the answer tokens' natural-log probabilities
 * @param nTokens answer tokens scored
 * @param meanPerToken sum / nTokens (NaN when no token)
 * @param tokens per-token scores (piece, id, log-prob, whether greedy)
 * @param promptTokens prompt tokens fed (after any truncation)
 * @param truncatedPrompt whether the prompt was cut from the left to fit the context window
 * @param telemetry times and the KV telemetry (same keys as {@link Engine#complete} of the local engine)
 */
public record AnswerLoglik(double sum, int nTokens, double meanPerToken, List<TokenScore> tokens, int promptTokens,
    boolean truncatedPrompt, Telemetry telemetry) {

  public AnswerLoglik {
    tokens = List.copyOf(tokens);
  }
}
