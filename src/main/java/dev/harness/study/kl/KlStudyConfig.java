package dev.harness.study.kl;

import dev.harness.config.ExperimentConfig;
import dev.harness.config.StudySection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The kl study's own sections: {@code prompts} and {@code kl} (its variants are the common {@code engines}). */
public record KlStudyConfig(PromptsConfig prompts, KlConfig kl) implements StudySection {

  public KlStudyConfig {
    prompts = prompts == null ? PromptsConfig.defaults() : prompts;
    kl = kl == null ? KlConfig.defaults() : kl;
  }

  /** The kl sections of {@code c} (a kl config). */
  public static KlStudyConfig of(ExperimentConfig c) { return c.section(KlStudyConfig.class); }

  @Override
  public void validate(ExperimentConfig c, String file) { KlValidation.validate(c, file); }

  @Override
  public Map<String, String> dataFiles() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("prompts.source", prompts.source());
    return m;
  }
}
