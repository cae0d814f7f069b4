package dev.harness.study.kl;

import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.metrics.kl.PromptDivergence;
import java.util.List;

/**
 * The outcome of comparing two dumps ({@link KlComparison#run}): both indexes, the settings, every prompt ranked by
 * its divergence, the summary and the issues found in the dumps.
 *
 * @param ranked every prompt present in both dumps, by value descending (+∞ first, not comparable (NaN) last)
 * @param teacherForced true when B's scores of A's tokens (cross) were used
 */
public record DumpComparison(DumpIndex a, DumpIndex b, Estimator estimator, Alignment alignment, boolean teacherForced,
    KlOptions options, List<PromptDivergence> ranked, KlSummary summary, DumpIssues issues) {

  /** Prompts with a value (finite or infinite). */
  public long compared() { return ranked.stream().filter(r -> !Double.isNaN(r.value())).count(); }
}
