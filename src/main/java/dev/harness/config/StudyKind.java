package dev.harness.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one registry of studies: each study's name (the config's {@code study:}) and the top-level config sections it
 * owns. What a study's package declares for it (implementation, meaning checks, store chain) is reached through
 * {@code study.StudyRegistry}'s exhaustive switches over this enum ({@link StudyBinding} hands the checks to the loader). The common sections ({@link #COMMON}) belong to every study; a section another study owns is
 * an unknown key for this one ({@link ConfigLoader} checks it once {@code study:} is read). {@code study.StudyRegistry}
 * maps each kind to its implementation with an exhaustive switch, so a new study is added here first.
 */
public enum StudyKind {
  KV_TRANSITION("kv_transition", List.of("dataset", "bins", "sampling", "kv", "scoring")),
  KL("kl", List.of("engines", "prompts", "kl")),
  OUTPUT_CONTROL("output_control", List.of("engines", "grid", "words", "control")),
  MC_EVAL("mc_eval", List.of("engines", "tasks", "seeds", "limit", "mc"));

  /** Sections every study reads. */
  public static final List<String> COMMON = List.of("study", "output", "engine", "generation", "analysis");

  private final String id;
  private final List<String> sections;

  StudyKind(String id, List<String> sections) {
    this.id = id;
    this.sections = sections;
  }

  /** The name a config writes after {@code study:}. */
  public String id() { return id; }

  /** The top-level sections this study owns (besides {@link #COMMON}). */
  public List<String> sections() { return sections; }

  /** Every top-level key this study accepts: {@link #COMMON} then its own sections. */
  public Set<String> acceptedKeys() {
    Set<String> s = new java.util.LinkedHashSet<>(COMMON);
    s.addAll(sections);
    return s;
  }

  public static Optional<StudyKind> byId(String id) {
    return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
  }

  /** The kind of a config that has passed validation ({@code study:} is then one of the ids). */
  public static StudyKind of(ExperimentConfig c) {
    return byId(c.study()).orElseThrow(() -> new IllegalArgumentException("unknown study '" + c.study() + "'"));
  }

  /** The study ids, sorted, for messages. */
  public static List<String> ids() {
    return List.copyOf(new TreeSet<>(Arrays.stream(values()).map(StudyKind::id).toList()));
  }

  /** The studies that own a section, for messages ({@code [kl]} for {@code prompts}). */
  public static List<String> owners(String section) {
    return Arrays.stream(values()).filter(k -> k.sections.contains(section)).map(StudyKind::id).sorted().toList();
  }
}
