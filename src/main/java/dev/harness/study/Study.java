package dev.harness.study;

import dev.harness.config.StudyKind;
import java.util.List;
import java.util.Optional;

/**
 * A study: the five phases over one store, declared as one ordered list of {@link Step}s (each one's fingerprinted
 * inputs, outputs check and work), plus how to count the run phase's units from the store alone (for
 * {@code harness status}). Each phase reads only the store and the config, and is idempotent.
 */
public record Study(StudyKind kind, List<Step> steps, Units units) {
  /** The run phase's units of the current configuration, counted from the store alone. */
  @FunctionalInterface
  public interface Units {
    UnitStatus count(StudyContext ctx);
  }

  /** The steps must name every phase once, in {@link Phase} order. */
  public Study {
    List<Phase> got = steps.stream().map(Step::phase).toList();
    if (!got.equals(List.of(Phase.values()))) {
      throw new IllegalArgumentException(kind.id() + ": steps must be " + List.of(Phase.values())
          + " in that order, got " + got);
    }
    steps = List.copyOf(steps);
  }

  public String name() { return kind.id(); }

  public Optional<UnitStatus> unitStatus(StudyContext ctx) { return Optional.of(units.count(ctx)); }
}
