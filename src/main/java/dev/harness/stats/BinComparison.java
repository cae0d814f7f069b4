package dev.harness.stats;

/**
 * One bin of one budget compared with its baseline.
 *
 * @param n items compared (paired mode: examples scored at both budgets; no-baseline mode: the bin's items)
 * @param mean mean score of those items at this budget
 * @param baselineMean baseline mean (budget 1.0 on the same items, or the first bin's mean without a budget-1.0 run)
 * @param ratio mean / baselineMean; NaN when the baseline mean is not positive (undefined)
 * @param diff paired-bootstrap CI of (budget − baseline); without a baseline run, the bin mean's bootstrap CI minus the
 *     (fixed) first-bin mean
 * @param belowThreshold mean &lt; threshold × baselineMean (false when the ratio is undefined)
 * @param ciExcludesZero the diff CI excludes 0 (needs n ≥ 2: a one-item CI is degenerate)
 * @param varianceSpike variance &gt; 2 × the baseline's variance (contextCLI's rule)
 * @param meetsCriterion this bin satisfies the transition rule (the transition is the first such bin)
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
    boolean ciExcludesZero,
    double variance,
    double baselineVariance,
    boolean varianceSpike,
    boolean meetsCriterion,
    String note) {}
