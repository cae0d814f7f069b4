package dev.harness.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A study configuration (YAML, snake_case keys; unknown keys are errors): the sections every study reads
 * ({@link StudyKind#COMMON}, and {@code engines}) and the study's own sections as one {@link StudySection} record of its
 * package, reached with {@link #section(Class)}. The kv study uses {@code engine}; the kl, output_control and mc_eval
 * studies compare several named engine variants ({@code engines:}; when that list is empty, {@code engine} is the only
 * variant). A section of another study is rejected by {@link ConfigLoader} before binding.
 */
public record ExperimentConfig(
    String study,
    OutputConfig output,
    EngineConfig engine,
    List<EngineConfig> engines,
    GenerationConfig generation,
    AnalysisConfig analysis,
    StudySection section) {

  public ExperimentConfig {
    engine = engine == null ? new EngineConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null) : engine;
    engines = engines == null ? List.of() : List.copyOf(engines);
    generation = generation == null ? new GenerationConfig(null, null, null, null, null) : generation;
    analysis = analysis == null ? new AnalysisConfig(null, null, null, null) : analysis;
  }

  /**
   * The study's own sections as {@code type} ({@code c.section(KvStudyConfig.class).kv()}); a config of another
   * study has none (a programming error: phases only see their own study's configs).
   */
  public <S extends StudySection> S section(Class<S> type) {
    if (!type.isInstance(section)) {
      throw new IllegalStateException("config of study '" + study + "' has no " + type.getSimpleName() + " (it holds "
          + (section == null ? "no study section" : section.getClass().getSimpleName()) + ")");
    }
    return type.cast(section);
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
    return new ExperimentConfig(study, output, engine, new ArrayList<>(engines), generation, analysis, section);
  }
}
