package dev.harness.config;

/**
 * What the study packages tell the loader about a study once {@code study:} is read. {@code config} does not depend on
 * the study packages, so {@code study.StudyRegistry} implements this and {@link ConfigLoader#load} is handed it.
 */
public interface StudyBinding {
  /** The study's meaning checks ({@code study.kv.KvValidation} …), run after the common ones; throws a
   * {@link ConfigException} naming the file and field. */
  void validate(StudyKind kind, ExperimentConfig c, String file);
}
