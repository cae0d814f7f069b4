package dev.harness.study.kl;

import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlFlag;
import dev.harness.metrics.kl.PromptDivergence;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Table cells that are never "nan": a number, or "n/a" with its reason collected for one legend line under the table
 * ({@link #legend}). Reasons: the column is undefined for the estimator (coverage and the TVD bracket read top-k
 * lists, which mc and text_mc do not), a direction has no scores (ONE_DIRECTION), no top-k on one side (NO_TOPK), no
 * comparable position (NO_TOKENS), or no prompt with a finite value (summary rows).
 */
final class NaNotes {
  static final String TOPK_UNDEFINED = "undefined for this estimator (they come from top-k lists, which it does not read)";
  /** reason → the columns it applies to. */
  private final Map<String, Set<String>> reasons = new LinkedHashMap<>();

  /** {@code v} as a number, or "n/a" (the reason goes to the legend under {@code column}). */
  String cell(double v, String column, String reason) {
    if (!Double.isNaN(v)) return KlOutputs.num(v);
    reasons.computeIfAbsent(reason, r -> new LinkedHashSet<>()).add(column);
    return "n/a";
  }

  /** A prompt's column value: n/a with the reason the prompt's flags and the estimator give. */
  String cell(PromptDivergence d, double v, String column) { return cell(v, column, reason(d, column)); }

  /** "[lo, hi]" with n/a for a NaN bound. */
  String interval(PromptDivergence d, double lo, double hi, String column) {
    return "[" + cell(d, lo, column) + ", " + cell(d, hi, column) + "]";
  }

  static String reason(PromptDivergence d, String column) {
    boolean topkColumn = column.startsWith("coverage") || column.startsWith("TVD");
    if (topkColumn && (d.estimator() == Estimator.MC || d.estimator() == Estimator.TEXT_MC)) return TOPK_UNDEFINED;
    if ((column.equals("forward") || column.equals("reverse")) && d.flags().contains(KlFlag.ONE_DIRECTION)
        && !Double.isNaN(d.value())) {
      return "only one direction has scores (ONE_DIRECTION)";
    }
    if (d.flags().contains(KlFlag.NO_TOPK)) return "no position has a top-k list on both sides (NO_TOPK)";
    if (d.flags().contains(KlFlag.NO_TOKENS) || Double.isNaN(d.value())) return "no comparable position (NO_TOKENS)";
    if (d.flags().contains(KlFlag.SINGLE_SAMPLE)) return "one sample pair (SINGLE_SAMPLE)";
    return "not computable from these samples";
  }

  boolean isEmpty() { return reasons.isEmpty(); }

  /** "n/a — column: reason; column: reason", or "" when no cell was n/a. */
  String legend() {
    return reasons.isEmpty() ? "" : "n/a — " + reasons.entrySet().stream()
        .map(e -> String.join(", ", e.getValue()) + ": " + e.getKey()).collect(Collectors.joining("; ")) + ".";
  }
}
