package dev.harness.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Transition detection for the kv_transition study (DESIGN §7), calibrated (issue #13 §1).
 *
 * <p><b>Per bin, one exact test against the same items at budget 1.0.</b> The items scored at both budgets are paired.
 * 0/1 scores (EM): McNemar's exact test on the discordant pairs ({@link McNemar}, statsmodels' {@code exact=True}).
 * Any other score (F1, per-token probability): the paired sign-flip permutation test ({@link SignFlip}; exact up to 20
 * non-zero differences, seeded Monte Carlo above).
 *
 * <p><b>Minimum.</b> A bin with fewer than {@link #MIN_INFORMATIVE} informative pairs (discordant pairs, non-zero
 * differences) is not tested and cannot be declared: below 6 even a unanimous change has p ≥ 2/2⁵ = 0.0625 (4 of 4
 * discordant: p = 0.125), so such a bin could only ever be declared by a loose α. The number of informative pairs is
 * unchanged by the sign flips the null allows, so leaving those bins out of the family keeps the tests exact.
 *
 * <p><b>Family.</b> Every tested (budget × bin × metric) of the study forms one family; Holm's step-down adjustment
 * ({@link Holm}) controls the probability of declaring any transition when compression changes nothing at α.
 *
 * <p><b>Declaration.</b> A budget's transition is its first bin (in bin order) whose Holm-adjusted p ≤ α <i>and</i>
 * whose paired mean is below {@code threshold} × the baseline mean. The paired-bootstrap CI of the difference and the
 * variance-spike flag (variance &gt; 2 × the baseline's, contextCLI's rule) are reported as exploratory description
 * only.
 *
 * <p><b>Without a baseline series</b> (budget 1.0 not run), each budget's first non-empty bin stands in as the
 * baseline and a later bin is tested against it with a seeded two-sample permutation test of means (unpaired; the bins
 * hold different items, so this compares lengths, not compression). The same minimum (both bins ≥ 6 items), Holm
 * family and declaration rule apply.
 */
public final class TransitionDetector {
  /** Fewest informative pairs (discordant / non-zero) with which a bin is tested; below it, no declaration. */
  public static final int MIN_INFORMATIVE = 6;
  /** The family-wise α used when none is given. */
  public static final double DEFAULT_ALPHA = 0.05;

  private TransitionDetector() {}

  /** One metric as its own family: {@link #detect(List, double, double, int, double, long)}. */
  public static List<Transition> detect(BinSeries baseline, List<BinSeries> others, double threshold, double alpha,
      int iterations, double level, long seed) {
    return detect(List.of(new TransitionInput("mean", "mean", 1.0, baseline, others)), threshold, alpha, iterations,
        level, seed).get(0);
  }

  /**
   * One list of {@link Transition} per input (in input order), one per series of its {@code others}; the Holm family
   * spans every input. {@code iterations} and {@code level} only shape the descriptive bootstrap CI; {@code seed} seeds
   * it and the Monte Carlo tests (per bin, so a bin's result does not depend on which other bins were run).
   */
  public static List<List<Transition>> detect(List<TransitionInput> inputs, double threshold, double alpha,
      int iterations, double level, long seed) {
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("transition threshold must be a positive number, got " + threshold);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("transition alpha must be a number in (0, 1), got " + alpha);
    }
    Bootstrap.check(iterations, level);
    // 1. raw tests per bin
    List<List<List<BinComparison>>> raw = new ArrayList<>();
    for (TransitionInput in : inputs) {
      List<List<BinComparison>> perSeries = new ArrayList<>();
      for (BinSeries s : in.others()) {
        long base = seed ^ (31L * in.metric().hashCode() + Double.hashCode(s.budget()));
        perSeries.add(in.baseline() == null ? unpaired(s, threshold, iterations, level, base)
            : paired(in.baseline(), s, threshold, iterations, level, base));
      }
      raw.add(perSeries);
    }
    // 2. Holm over the family of tested bins
    List<Double> ps = new ArrayList<>();
    raw.forEach(m -> m.forEach(s -> s.forEach(b -> {
      if (b.p() != null) {
        ps.add(b.p());
      }
    })));
    double[] adjusted = Holm.adjust(ps.stream().mapToDouble(Double::doubleValue).toArray());
    int familySize = adjusted.length;
    // 3. declare
    int k = 0;
    List<List<Transition>> out = new ArrayList<>();
    for (int m = 0; m < inputs.size(); m++) {
      TransitionInput in = inputs.get(m);
      Fmt fmt = new Fmt(in.displayName() == null || in.displayName().isBlank() ? "mean" : in.displayName(),
          in.displayScale(), alpha, familySize);
      List<Transition> ts = new ArrayList<>();
      for (int si = 0; si < in.others().size(); si++) {
        List<BinComparison> rows = new ArrayList<>();
        for (BinComparison b : raw.get(m).get(si)) {
          if (b.p() != null) {
            double adj = adjusted[k++];
            rows.add(b.withFamily(adj, adj <= alpha));
          } else {
            rows.add(b);
          }
        }
        ts.add(verdict(in.others().get(si), in.baseline(), rows, threshold, fmt));
      }
      out.add(ts);
    }
    return out;
  }

  private static List<BinComparison> paired(BinSeries baseline, BinSeries series, double threshold, int iterations,
      double level, long seed) {
    Map<Integer, BinScores> baseBins = new HashMap<>();
    for (BinScores b : baseline.bins()) {
      baseBins.put(b.binIndex(), b);
    }
    List<BinComparison> rows = new ArrayList<>();
    for (BinScores bin : sorted(series.bins())) {
      BinScores base = baseBins.get(bin.binIndex());
      TreeMap<String, double[]> pairs = new TreeMap<>(); // sorted ids: reproducible resampling
      if (base != null) {
        for (Map.Entry<String, Double> e : bin.scoreByExampleId().entrySet()) {
          Double a = e.getValue();
          Double b = base.scoreByExampleId().get(e.getKey());
          if (ok(a) && ok(b)) {
            pairs.put(e.getKey(), new double[] {a, b});
          }
        }
      }
      int n = pairs.size();
      double[] a = new double[n];
      double[] b = new double[n];
      int i = 0;
      for (double[] p : pairs.values()) {
        a[i] = p[0];
        b[i++] = p[1];
      }
      long binSeed = seed + 1_000_003L * bin.binIndex();
      double mean = Descriptive.mean(a);
      double baseMean = Descriptive.mean(b);
      Interval diff = PairedBootstrap.meanDiffCi(a, b, iterations, level, binSeed);
      PairedTest t = n == 0 ? new PairedTest("none", 0, 0, 1.0) : PairedTest.of(a, b, binSeed);
      String note = n == 0 ? "no examples scored at both this budget and budget 1.0"
          : baseMean <= 0 ? "baseline mean is 0, ratio undefined" : "";
      rows.add(judge(bin, n, mean, baseMean, diff, t, threshold, Descriptive.variance(a), Descriptive.variance(b), note));
    }
    return rows;
  }

  private static List<BinComparison> unpaired(BinSeries series, double threshold, int iterations, double level,
      long seed) {
    List<BinComparison> rows = new ArrayList<>();
    double[] ref = null;
    double refMean = Double.NaN;
    double refVar = Double.NaN;
    for (BinScores bin : sorted(series.bins())) {
      double[] x = new TreeMap<>(bin.scoreByExampleId()).values().stream()
          .filter(TransitionDetector::ok).mapToDouble(Double::doubleValue).toArray();
      int n = x.length;
      double mean = Descriptive.mean(x);
      double var = Descriptive.variance(x);
      if (ref == null) {
        if (n == 0) {
          rows.add(new BinComparison(bin.binIndex(), bin.binLabel(), 0, Double.NaN, Double.NaN, Double.NaN,
              Interval.empty(level), false, "none", 0, null, null, false, Double.NaN, Double.NaN, false, false,
              "no scores (before the reference bin)"));
          continue;
        }
        ref = x;
        refMean = mean;
        refVar = var;
        rows.add(new BinComparison(bin.binIndex(), bin.binLabel(), n, mean, mean, mean > 0 ? 1.0 : Double.NaN,
            new Interval(0, 0, 0, n, level), false, "none", 0, null, null, false, var, var, false, false,
            "reference bin (budget 1.0 not run)"));
        continue;
      }
      long binSeed = seed + 1_000_003L * bin.binIndex();
      Interval ci = Bootstrap.meanCi(x, iterations, level, binSeed);
      Interval diff = new Interval(mean - refMean, ci.lo() - refMean, ci.hi() - refMean, n, level);
      PairedTest t = TwoSamplePermutation.test(x, ref, binSeed);
      String note = n == 0 ? "no scores" : refMean <= 0 ? "first-bin mean is 0, ratio undefined" : "";
      rows.add(judge(bin, n, mean, refMean, diff, t, threshold, var, refVar, note));
    }
    return rows;
  }

  /** The threshold and the minimum; the test's p is kept only when the bin enters the family. */
  private static BinComparison judge(BinScores bin, int n, double mean, double baseMean, Interval diff, PairedTest t,
      double threshold, double var, double baseVar, String note) {
    boolean defined = n > 0 && baseMean > 0;
    double ratio = defined ? mean / baseMean : Double.NaN;
    boolean below = defined && mean < threshold * baseMean;
    boolean tested = t.informative() >= MIN_INFORMATIVE;
    boolean spike = !Double.isNaN(var) && !Double.isNaN(baseVar) && var > 2 * baseVar;
    String why = note;
    if (why.isEmpty() && !tested) {
      why = "fewer than " + MIN_INFORMATIVE + " informative pairs, not tested";
    }
    return new BinComparison(bin.binIndex(), bin.binLabel(), n, mean, baseMean, ratio, diff, below,
        tested ? t.test() : "none", t.informative(), tested ? t.p() : null, null, false, var, baseVar, spike, false,
        why);
  }

  private static Transition verdict(BinSeries series, BinSeries baseline, List<BinComparison> rows, double threshold,
      Fmt fmt) {
    BinComparison hit = rows.stream().filter(BinComparison::meetsCriterion).findFirst().orElse(null);
    String baseName = baseline == null ? "the first bin (budget 1.0 not run, unpaired)" : "budget " + label(baseline);
    long tested = rows.stream().filter(r -> r.p() != null).count();
    String evidence;
    if (hit != null) {
      evidence = String.format(Locale.ROOT,
          "%s: %s %s vs %s at %s (ratio %.2f < %.2f); %s p = %s, Holm-adjusted p = %s ≤ α = %s over %d tests "
              + "(n=%d, %d informative); %s diff %s",
          fmt.bin(hit), fmt.metric(), fmt.value(hit.mean()), fmt.value(hit.baselineMean()), baseName, hit.ratio(),
          threshold, hit.test(), p(hit.p()), p(hit.pAdjusted()), p(fmt.alpha()), fmt.family(), hit.n(),
          hit.informative(), baseline == null ? "unpaired" : "paired", hit.diff().scaled(fmt.scale())
              .format(fmt.decimals()));
    } else {
      evidence = String.format(Locale.ROOT,
          "no bin rejected at family-wise α = %s (Holm over %d tests) with a mean below %.2f × %s (%d bins, %d tested)",
          p(fmt.alpha()), fmt.family(), threshold, baseName, rows.size(), tested);
    }
    return new Transition(series.budget(), hit == null ? null : hit.binIndex(), hit == null ? null : hit.binLabel(),
        evidence + notes(rows), rows, fmt.alpha(), fmt.family());
  }

  /** "; baseline mean is 0, ratio undefined in bin(s) 1, 2; exploratory: variance spike ... in bin 3". */
  private static String notes(List<BinComparison> rows) {
    Map<String, List<Integer>> byNote = new LinkedHashMap<>();
    for (BinComparison r : rows) {
      if (!r.note().isEmpty() && !r.note().startsWith("reference bin")) {
        byNote.computeIfAbsent(r.note(), k -> new ArrayList<>()).add(r.binIndex());
      }
    }
    for (BinComparison r : rows) {
      if (r.varianceSpike()) {
        byNote.computeIfAbsent("exploratory, not a test: variance spike (> 2 × baseline variance)",
            k -> new ArrayList<>()).add(r.binIndex());
      }
    }
    StringBuilder sb = new StringBuilder();
    byNote.forEach((note, bins) -> sb.append("; ").append(note).append(" in bin").append(bins.size() > 1 ? "s " : " ")
        .append(String.join(", ", bins.stream().map(String::valueOf).toList())));
    return sb.toString();
  }

  /** A p-value with 2 significant digits ("0.0012", "0.31", "3.1e-07"). */
  static String p(Double v) {
    if (v == null || Double.isNaN(v)) {
      return "n/a";
    }
    if (v == 0 || v >= 1e-4) {
      return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }
    return String.format(Locale.ROOT, "%.1e", v);
  }

  private static List<BinScores> sorted(List<BinScores> bins) {
    List<BinScores> s = new ArrayList<>(bins);
    s.sort(Comparator.comparingInt(BinScores::binIndex));
    return s;
  }

  private static boolean ok(Double v) {
    return v != null && Double.isFinite(v);
  }

  private static String label(BinSeries s) {
    return s.budgetLabel() == null || s.budgetLabel().isBlank()
        ? String.format(Locale.ROOT, "%s", s.budget()) : s.budgetLabel();
  }

  /** Number formatting of the evidence sentence. */
  private record Fmt(String metric, double scale, double alpha, int family) {
    int decimals() {
      return Math.abs(scale) >= 10 ? 1 : 3;
    }

    String value(double v) {
      return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals() + "f", v * scale);
    }

    String bin(BinComparison c) {
      return "bin " + c.binIndex() + (c.binLabel() == null || c.binLabel().isBlank() ? "" : " (" + c.binLabel() + ")");
    }
  }
}
