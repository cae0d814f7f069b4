package dev.harness.stats;

/**
 * One bin of one budget compared with its baseline.
 *
 * @param n items compared (paired mode: examples scored at both budgets; no-baseline mode: the bin's items)
 * @param mean mean score of those items at this budget
 * @param baselineMean baseline mean (budget 1.0 on the same items, or the first bin's mean without a budget-1.0 run)
 * @param ratio mean / baselineMean; NaN when the baseline mean is not positive (undefined)
 * @param diff descriptive percentile-bootstrap CI of (budget − baseline), paired; without a baseline run, the bin
 *     mean's bootstrap CI minus the first-bin mean. Not part of the decision
 * @param belowThreshold mean &lt; threshold × baselineMean (false when the ratio is undefined)
 * @param test the test run on this bin ({@link PairedTest#test()}); {@code none} when it was not tested
 * @param informative discordant pairs (McNemar) or non-zero paired differences (sign flip)
 * @param p the test's raw two-sided p-value; null when the bin was not tested
 * @param pAdjusted Holm-adjusted p over the study's family of tests; null when the bin is not in the family
 * @param rejects pAdjusted ≤ α
 * @param variance the bin's variance at this budget
 * @param baselineVariance the baseline's variance on the same items
 * @param varianceSpike exploratory only (contextCLI's rule, not a test): variance &gt; 2 × baselineVariance
 * @param meetsCriterion rejects and belowThreshold (the transition is the first such bin)
 * @param note why the bin could not be judged, or "" when it could
 */
public record BinComparison(
    int binIndex,
    String binLabel,
    int n,
    double mean,
    double baselineMean,
    double ratio,
    Interval diff,
    boolean belowThreshold,
    String test,
    int informative,
    Double p,
    Double pAdjusted,
    boolean rejects,
    double variance,
    double baselineVariance,
    boolean varianceSpike,
    boolean meetsCriterion,
    String note) {
  BinComparison withFamily(Double adjusted, boolean reject) {
    return new BinComparison(binIndex, binLabel, n, mean, baselineMean, ratio, diff, belowThreshold, test, informative,
        p, adjusted, reject, variance, baselineVariance, varianceSpike, reject && belowThreshold, note);
  }
}
