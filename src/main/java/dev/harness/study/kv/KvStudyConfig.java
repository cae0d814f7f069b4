package dev.harness.study.kv;

import dev.harness.config.ExperimentConfig;
import dev.harness.config.StudySection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kv_transition study's own sections: {@code dataset}, {@code bins}, {@code sampling}, {@code kv},
 * {@code scoring} (absent ones at their defaults; {@code dataset.source} has none and is required).
 */
public record KvStudyConfig(DatasetConfig dataset, BinsConfig bins, SamplingConfig sampling, KvConfig kv,
    ScoringConfig scoring) implements StudySection {

  public KvStudyConfig {
    bins = bins == null ? new BinsConfig(null, null) : bins;
    sampling = sampling == null ? new SamplingConfig(null, null, null, null, null, null) : sampling;
    kv = kv == null ? KvConfig.defaults() : kv;
    scoring = scoring == null ? new ScoringConfig(null) : scoring;
  }

  /** The kv sections of {@code c} (a kv_transition config). */
  public static KvStudyConfig of(ExperimentConfig c) { return c.section(KvStudyConfig.class); }

  @Override
  public void validate(ExperimentConfig c, String file) { KvValidation.validate(c, file); }

  @Override
  public Map<String, String> dataFiles() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("dataset.source", dataset == null ? null : dataset.source());
    return m;
  }
}
