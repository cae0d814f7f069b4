package dev.harness.study;

import dev.harness.config.ConfigException;
import dev.harness.config.StudyKind;
import dev.harness.study.control.OutputControlStudy;
import dev.harness.study.kl.KlStudy;
import dev.harness.study.kv.KvTransitionStudy;
import dev.harness.study.mc.McEvalStudy;

/**
 * Study kind → implementation. The names and sections live in {@link StudyKind} (the one registry); this switch is
 * exhaustive over it, so the compiler asks for an implementation when a kind is added.
 */
public final class StudyRegistry {
  private StudyRegistry() {}

  public static Study forName(String name, String configPath) {
    StudyKind kind = StudyKind.byId(name).orElseThrow(() -> new ConfigException(configPath, "study",
        "expected one of " + StudyKind.ids() + ", got '" + name + "'"));
    return switch (kind) {
      case KV_TRANSITION -> KvTransitionStudy.STUDY;
      case KL -> KlStudy.STUDY;
      case OUTPUT_CONTROL -> OutputControlStudy.STUDY;
      case MC_EVAL -> McEvalStudy.STUDY;
    };
  }
}
