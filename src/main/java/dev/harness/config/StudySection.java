package dev.harness.config;

import java.util.Map;

/**
 * A study's own top-level sections, as one record in the study's package ({@code study.kv.KvStudyConfig} …), bound by
 * {@link ConfigLoader} once {@code study:} is read ({@link StudyBinding} names the record) and reached through
 * {@link ExperimentConfig#section(Class)}. Its components are the sections {@link StudyKind#sections()} lists besides
 * {@code engines}, in the order the config snapshot shows them.
 */
public interface StudySection {
  /** The meaning checks of the study's sections, after the common ones; a {@link ConfigException} names the field. */
  void validate(ExperimentConfig c, String file);

  /**
   * The data files the sections name (field path → source, e.g. {@code dataset.source}), for {@link ConfigFiles}: a
   * local path must exist; {@code hf://…} is read from the Hub.
   */
  Map<String, String> dataFiles();
}
