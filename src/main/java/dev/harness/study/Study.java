package dev.harness.study;

/** A study: the five phases over one store. Each phase reads only the store and the config, and is idempotent. */
public interface Study {
  String name();

  /** The config parts a phase depends on (serialised into its fingerprint); upstream phases are chained in. */
  Object phaseInputs(Phase phase, StudyContext ctx);

  /** Whether the phase's outputs are all present (so {@code all} may skip it when its inputs are unchanged). */
  boolean outputsExist(Phase phase, StudyContext ctx);

  /**
   * The run phase's units of the current configuration, counted from the store alone (for {@code harness status});
   * empty where the study does not count them.
   */
  default java.util.Optional<UnitStatus> unitStatus(StudyContext ctx) { return java.util.Optional.empty(); }

  /** Runs the phase; returns a one-line summary for the log and the phases table. */
  String execute(Phase phase, StudyContext ctx);
}
