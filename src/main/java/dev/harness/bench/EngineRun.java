package dev.harness.bench;

import java.util.List;

/**
 * The engine's measured speed.
 *
 * @param prefillTokens prompt length of every run
 * @param prefillSeconds measured prefills (complete with max_tokens 1: one logit row), after one warm-up
 * @param decodeContext tokens in the cache when decoding starts (the prefill prompt)
 * @param decodeSteps single-token forward passes per decode run: new tokens − 1 (the first new token comes from
 *     the prefill's logits)
 * @param decodeTokensPerSecond per run: decodeSteps ÷ (time of the run − its prefill)
 * @param decodeTiming where the decode time came from: "telemetry" (the engine's own prefill/decode split) or
 *     "wall-minus-prefill" (the run's wall time minus the median prefill)
 */
public record EngineRun(int prefillTokens, List<Double> prefillSeconds, int decodeContext, int decodeRequested,
    int decodeSteps, List<Double> decodeTokensPerSecond, String decodeTiming, Long kvBytesAfterDecode) {

  public EngineRun {
    prefillSeconds = List.copyOf(prefillSeconds);
    decodeTokensPerSecond = List.copyOf(decodeTokensPerSecond);
  }

  public double prefillSecondsMedian() { return Stats.median(prefillSeconds); }

  public double prefillTokensPerSecond() { return prefillTokens / prefillSecondsMedian(); }

  public double decodeTokensPerSecondMedian() { return Stats.median(decodeTokensPerSecond); }
}
