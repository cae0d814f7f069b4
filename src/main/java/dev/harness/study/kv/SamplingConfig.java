package dev.harness.study.kv;

import java.util.List;

/** How examples are drawn per bin: uniform, pinned ids, or focus_transition (more examples in focus bins). */
public record SamplingConfig(
    String strategy, Integer nPerBin, Long seed, List<String> ids, List<Integer> focusBins, Integer focusFactor) {
  public SamplingConfig {
    strategy = strategy == null ? "uniform" : strategy;
    nPerBin = nPerBin == null ? 2 : nPerBin;
    seed = seed == null ? 42L : seed;
    ids = ids == null ? List.of() : List.copyOf(ids);
    focusBins = focusBins == null ? null : List.copyOf(focusBins);
    focusFactor = focusFactor == null ? 3 : focusFactor;
  }
}
