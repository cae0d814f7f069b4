package dev.harness.engine;

import java.util.List;

/** A generated token with its log-probability, raw bytes when known (may be null), and the top alternatives. */
public record TokenLogprob(String token, int id, double logprob, byte[] bytes, List<TopLogprob> top) {
  public TokenLogprob {
    top = top == null ? List.of() : List.copyOf(top);
  }
}
