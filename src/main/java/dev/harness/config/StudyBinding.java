package dev.harness.config;

/**
 * What the study packages tell the loader about a study once {@code study:} is read: the record its own sections bind
 * to. {@code config} does not depend on the study packages, so {@code study.StudyRegistry} implements this and
 * {@link ConfigLoader#load} is handed it.
 */
@FunctionalInterface
public interface StudyBinding {
  /** The record of {@code kind}'s own sections ({@code study.kv.KvStudyConfig} …). */
  Class<? extends StudySection> sectionType(StudyKind kind);
}
