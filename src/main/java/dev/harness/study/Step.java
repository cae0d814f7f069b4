package dev.harness.study;

import dev.harness.config.ExperimentConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One phase of a study: the config parts its fingerprint depends on, whether its outputs are all present, and the
 * work itself. A {@link Study} declares its five steps in phase order; {@link PhaseRunner} and {@link PhaseStatus}
 * walk them.
 */
public record Step(Phase phase, Inputs inputs, Outputs outputs, Action action) {
  /** Puts the phase's inputs into the map that is fingerprinted (as canonical JSON, keys sorted; null values kept). */
  @FunctionalInterface
  public interface Inputs {
    void put(Map<String, Object> in, ExperimentConfig c, StudyContext ctx);
  }

  /** Whether the phase's outputs are all present (so {@code all} may skip it when its inputs are unchanged). */
  @FunctionalInterface
  public interface Outputs {
    boolean exist(StudyContext ctx);
  }

  /** Runs the phase; returns a one-line summary for the log and the phases table. */
  @FunctionalInterface
  public interface Action {
    String run(StudyContext ctx);
  }

  /** The phase's inputs for the current config and store. */
  public Map<String, Object> inputsOf(StudyContext ctx) {
    Map<String, Object> in = new LinkedHashMap<>();
    inputs.put(in, ctx.config(), ctx);
    return in;
  }

  public boolean outputsExist(StudyContext ctx) { return outputs.exist(ctx); }

  public String execute(StudyContext ctx) { return action.run(ctx); }
}
