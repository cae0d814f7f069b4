package dev.harness.config;

/** A whole study configuration (YAML, snake_case keys; unknown keys are errors). */
public record ExperimentConfig(
    String study,
    OutputConfig output,
    EngineConfig engine,
    DatasetConfig dataset,
    BinsConfig bins,
    SamplingConfig sampling,
    KvConfig kv,
    GenerationConfig generation,
    ScoringConfig scoring,
    AnalysisConfig analysis) {

  public ExperimentConfig {
    engine = engine == null ? new EngineConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null) : engine;
    bins = bins == null ? new BinsConfig(null, null) : bins;
    sampling = sampling == null ? new SamplingConfig(null, null, null, null, null, null) : sampling;
    kv = kv == null ? new KvConfig(null, null, null, null, null, null) : kv;
    generation = generation == null ? new GenerationConfig(null, null, null, null, null) : generation;
    scoring = scoring == null ? new ScoringConfig(null) : scoring;
    analysis = analysis == null ? new AnalysisConfig(null, null, null, null) : analysis;
  }
}
