package dev.harness.study;

import dev.harness.config.ConfigException;
import dev.harness.study.kv.KvTransitionStudy;

/** Study name (the config's {@code study:}) → implementation. */
public final class StudyRegistry {
  private StudyRegistry() {}

  public static Study forName(String name, String configPath) {
    return switch (name) {
      case "kv_transition" -> new KvTransitionStudy();
      case "kl" -> new dev.harness.study.kl.KlStudy();
      case "output_control" -> new dev.harness.study.control.OutputControlStudy();
      case "mc_eval" -> new dev.harness.study.mc.McEvalStudy();
      default -> throw new ConfigException(configPath, "study", "'" + name + "' is not available in this version");
    };
  }
}
