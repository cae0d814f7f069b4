package dev.harness.metrics.kl;

import java.util.Map;
import java.util.Set;

/**
 * The divergence of one prompt.
 *
 * @param value headline value (symmetric mean of the available directions, per token), NaN when nothing compared,
 *     +∞ when infinite
 * @param ciLow lower end of the percentile-bootstrap interval over sample pairs
 * @param ciHigh upper end
 * @param forward KL(A‖B)-direction value (NaN when unavailable)
 * @param reverse KL(B‖A)-direction value (NaN when unavailable)
 * @param nSamples sample pairs used (bootstrap units)
 * @param nTokens positions used, both directions
 * @param meanCoverage mean covered mass Σ_U p over positions (topk_rest; NaN otherwise)
 * @param minCoverage minimum covered mass
 * @param lowCoverageFraction fraction of positions with covered mass below the threshold
 * @param tvdLow mean per-token TVD bracket, lower end (topk_rest; NaN otherwise)
 * @param tvdHigh upper end
 * @param extra estimator-specific named values (mc: per-sequence and naive forms per direction; topk_lookup: skipped)
 * @param flags caveats
 */
public record PromptDivergence(
    String promptId,
    Estimator estimator,
    double value,
    double ciLow,
    double ciHigh,
    double forward,
    double reverse,
    int nSamples,
    long nTokens,
    double meanCoverage,
    double minCoverage,
    double lowCoverageFraction,
    double tvdLow,
    double tvdHigh,
    Map<String, Double> extra,
    Set<KlFlag> flags) {

  public PromptDivergence {
    extra = Map.copyOf(extra);
    flags = Set.copyOf(flags);
  }
}
