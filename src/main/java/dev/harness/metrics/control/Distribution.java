package dev.harness.metrics.control;

import java.util.List;

/**
 * A (possibly partial) next-token distribution: the known tokens and the probability mass outside them
 * ({@code restMass}: 0 for a full vocabulary, 1 − Σ top for an API's top_logprobs).
 */
public record Distribution(List<TokenProb> tokens, double restMass) {
  public Distribution {
    tokens = List.copyOf(tokens);
    if (!(restMass >= 0)) throw new IllegalArgumentException("rest mass must be >= 0, got " + restMass);
  }
}
