package dev.harness.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole study configuration (YAML, snake_case keys; unknown keys are errors). The kv study uses {@code engine};
 * the kl, output_control and mc_eval studies compare several named engine variants ({@code engines:}; when that list
 * is empty, {@code engine} is the only variant). Which top-level sections a study accepts is {@link StudyKind}'s: a
 * section of another study is rejected by {@link ConfigLoader} before binding, so the other studies' components here
 * hold their defaults only.
 */
public record ExperimentConfig(
    String study,
    OutputConfig output,
    EngineConfig engine,
    List<EngineConfig> engines,
    DatasetConfig dataset,
    BinsConfig bins,
    SamplingConfig sampling,
    KvConfig kv,
    GenerationConfig generation,
    ScoringConfig scoring,
    AnalysisConfig analysis,
    PromptsConfig prompts,
    KlConfig kl,
    GridConfig grid,
    WordsConfig words,
    ControlConfig control,
    List<String> tasks,
    List<Integer> seeds,
    Integer limit,
    McConfig mc) {

  public ExperimentConfig {
    engine = engine == null ? new EngineConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null) : engine;
    engines = engines == null ? List.of() : List.copyOf(engines);
    bins = bins == null ? new BinsConfig(null, null) : bins;
    sampling = sampling == null ? new SamplingConfig(null, null, null, null, null, null) : sampling;
    kv = kv == null ? new KvConfig(null, null, null, null, null, null, null) : kv;
    generation = generation == null ? new GenerationConfig(null, null, null, null, null) : generation;
    scoring = scoring == null ? new ScoringConfig(null) : scoring;
    analysis = analysis == null ? new AnalysisConfig(null, null, null, null) : analysis;
    prompts = prompts == null ? PromptsConfig.defaults() : prompts;
    kl = kl == null ? KlConfig.defaults() : kl;
    grid = grid == null ? GridConfig.defaults() : grid;
    words = words == null ? WordsConfig.defaults() : words;
    control = control == null ? ControlConfig.defaults() : control;
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    seeds = seeds == null ? List.of() : List.copyOf(seeds);
    mc = mc == null ? McConfig.defaults() : mc;
  }

  /** The engine variants of a multi-engine study: {@code engines}, or {@code [engine]} when that list is empty. */
  public List<EngineConfig> variants() {
    return engines.isEmpty() ? List.of(engine) : engines;
  }

  /** The field path of variant i in messages: {@code engines[i]}, or {@code engine} for the single engine. */
  public String variantPath(int i) {
    return engines.isEmpty() ? "engine" : "engines[" + i + "]";
  }

  /** A copy with other engines (used when environment defaults fill them). */
  public ExperimentConfig withEngines(EngineConfig engine, List<EngineConfig> engines) {
    return new ExperimentConfig(study, output, engine, new ArrayList<>(engines), dataset, bins, sampling, kv,
        generation, scoring, analysis, prompts, kl, grid, words, control, tasks, seeds, limit, mc);
  }
}
