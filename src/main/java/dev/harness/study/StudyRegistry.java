package dev.harness.study;

import dev.harness.config.ConfigException;
import dev.harness.config.ConfigLoader;
import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.config.StudyBinding;
import dev.harness.config.StudyKind;
import dev.harness.config.StudySection;
import dev.harness.store.StoreChain;
import dev.harness.study.control.ControlSchema;
import dev.harness.study.control.ControlStudyConfig;
import dev.harness.study.control.OutputControlStudy;
import dev.harness.study.kl.KlSchema;
import dev.harness.study.kl.KlStudy;
import dev.harness.study.kl.KlStudyConfig;
import dev.harness.study.kv.KvSchema;
import dev.harness.study.kv.KvStudyConfig;
import dev.harness.study.kv.KvTransitionStudy;
import dev.harness.study.mc.McEvalStudy;
import dev.harness.study.mc.McSchema;
import dev.harness.study.mc.McStudyConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Study kind → what its package declares: the implementation, the record of its own config sections (with their
 * checks) and the store chain. The names and sections live in
 * {@link StudyKind} (the one registry); these switches are exhaustive over it, so the compiler asks for each part when
 * a kind is added.
 */
public final class StudyRegistry {
  private StudyRegistry() {}

  /** The study packages' side of config loading: the record each study's own sections bind to. */
  public static final StudyBinding BINDING = StudyRegistry::sectionType;

  /** Loads and validates a study config (YAML, {@code --set} overrides, {@code .env}) with every study's checks. */
  public static ExperimentConfig loadConfig(Path file, List<String> overrides, Env env) {
    return ConfigLoader.load(file, overrides, env, BINDING);
  }

  /** The record of a study's own sections, declared in its package (it carries their checks and data files). */
  public static Class<? extends StudySection> sectionType(StudyKind kind) {
    return switch (kind) {
      case KV_TRANSITION -> KvStudyConfig.class;
      case KL -> KlStudyConfig.class;
      case OUTPUT_CONTROL -> ControlStudyConfig.class;
      case MC_EVAL -> McStudyConfig.class;
    };
  }


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

  /** The store chain of a study (its own tables), declared in the study's package. */
  public static StoreChain storeChain(StudyKind kind) {
    return switch (kind) {
      case KV_TRANSITION -> KvSchema.CHAIN;
      case KL -> KlSchema.CHAIN;
      case OUTPUT_CONTROL -> ControlSchema.CHAIN;
      case MC_EVAL -> McSchema.CHAIN;
    };
  }

  /** The store chain of the study named {@code name} (a {@link StudyKind#id()}). */
  public static StoreChain storeChain(String name) {
    return storeChain(StudyKind.byId(name).orElseThrow(() -> new IllegalArgumentException("unknown study '" + name
        + "' (known: " + StudyKind.ids() + ")")));
  }

  /** Every study's store chain, in {@link StudyKind} order. */
  public static List<StoreChain> storeChains() {
    return Arrays.stream(StudyKind.values()).map(StudyRegistry::storeChain).toList();
  }
}
