package dev.harness.study.control;

import dev.harness.config.ExperimentConfig;
import dev.harness.config.StudySection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The output_control study's own sections: {@code grid}, {@code words}, {@code control}. */
public record ControlStudyConfig(GridConfig grid, WordsConfig words, ControlConfig control) implements StudySection {

  public ControlStudyConfig {
    grid = grid == null ? GridConfig.defaults() : grid;
    words = words == null ? WordsConfig.defaults() : words;
    control = control == null ? ControlConfig.defaults() : control;
  }

  /** The output_control sections of {@code c} (an output_control config). */
  public static ControlStudyConfig of(ExperimentConfig c) { return c.section(ControlStudyConfig.class); }

  @Override
  public void validate(ExperimentConfig c, String file) { ControlValidation.validate(c, file); }

  /** The word list's file, unless it is the {@code builtin} list shipped with the harness. */
  @Override
  public Map<String, String> dataFiles() {
    Map<String, String> m = new LinkedHashMap<>();
    if (!"builtin".equals(words.source())) m.put("words.source", words.source());
    return m;
  }
}
