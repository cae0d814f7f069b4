package dev.harness.study.kv;

import java.util.List;

/** Length bins: {@code count} quantile bins, or explicit token-length edges. */
public record BinsConfig(Integer count, List<Integer> edges) {
  public BinsConfig {
    count = count == null ? 5 : count;
    edges = edges == null ? null : List.copyOf(edges);
  }
}
