package dev.harness.study.mc;

import dev.harness.config.ExperimentConfig;
import dev.harness.config.StudySection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mc_eval study's own sections: {@code tasks} (lm-eval task names), {@code seeds}, {@code limit} (documents per
 * task; null = all) and {@code mc}.
 */
public record McStudyConfig(List<String> tasks, List<Integer> seeds, Integer limit, McConfig mc)
    implements StudySection {

  public McStudyConfig {
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    seeds = seeds == null ? List.of() : List.copyOf(seeds);
    mc = mc == null ? McConfig.defaults() : mc;
  }

  /** The mc_eval sections of {@code c} (an mc_eval config). */
  public static McStudyConfig of(ExperimentConfig c) { return c.section(McStudyConfig.class); }

  @Override
  public void validate(ExperimentConfig c, String file) { McValidation.validate(c, file); }

  /** Each task's local data file ({@code mc.sources.<task>}). */
  @Override
  public Map<String, String> dataFiles() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, String> s : mc.sources().entrySet()) m.put("mc.sources." + s.getKey(), s.getValue());
    return m;
  }
}
