package dev.harness.metrics.kl;

import java.util.Map;

/**
 * One position along a sample drawn from P (the "forward" model of a direction), compared with Q.
 *
 * @param token the sampled token's text
 * @param logprobP log P(token | prefix), the sampler's own log-probability
 * @param logprobQ log Q(token | same prefix) when Q was teacher-forced on the sample, else NaN
 * @param topP P's top-k at this position, token text to log-probability (never renormalised)
 * @param topQ Q's top-k at this position (teacher-forced, or from Q's aligned sample), empty when unknown
 */
public record Position(String token, double logprobP, double logprobQ, Map<String, Double> topP,
    Map<String, Double> topQ) {
  public Position {
    topP = topP == null ? Map.of() : topP;
    topQ = topQ == null ? Map.of() : topQ;
  }

  /** The same position seen from Q's side (P and Q swapped); the token stays. */
  public Position swapped() { return new Position(token, logprobQ, logprobP, topQ, topP); }
}
