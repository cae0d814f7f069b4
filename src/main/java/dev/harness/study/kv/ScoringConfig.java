package dev.harness.study.kv;

import java.util.List;

/** Per-response metrics: {@code em}, {@code f1}, and (local engine) {@code answer_loglik}. */
public record ScoringConfig(List<String> metrics) {
  public ScoringConfig {
    metrics = metrics == null ? List.of("em", "f1") : List.copyOf(metrics);
  }
}
