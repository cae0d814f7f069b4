package dev.harness.study.kl;

import dev.harness.metrics.kl.PromptDivergence;
import java.util.Arrays;
import java.util.List;

/**
 * Summary of prompt values: mean, median, min, max over the finite values (n = nFinite), with the counts of
 * infinite and not-comparable (NaN) prompts beside them.
 */
public record KlSummary(int nPrompts, int nFinite, int nInfinite, int nNan, double mean, double median, double min,
    double max) {

  public static KlSummary of(List<PromptDivergence> results) {
    double[] v = results.stream().mapToDouble(PromptDivergence::value).filter(Double::isFinite).sorted().toArray();
    int inf = (int) results.stream().filter(r -> Double.isInfinite(r.value())).count();
    int nan = (int) results.stream().filter(r -> Double.isNaN(r.value())).count();
    double nanV = Double.NaN;
    if (v.length == 0) return new KlSummary(results.size(), 0, inf, nan, nanV, nanV, nanV, nanV);
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new KlSummary(results.size(), v.length, inf, nan, Arrays.stream(v).sum() / v.length, median, v[0],
        v[v.length - 1]);
  }
}
