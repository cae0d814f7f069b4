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
 * Transition detection for the kv_transition study (DESIGN §7).
 *
 * <p><b>With a baseline series</b> (budget 1.0), for each other budget the bins are walked in index order; the transition
 * bin is the first bin where, over the examples scored at both budgets (paired), mean &lt; threshold × baseline mean
 * AND the paired-bootstrap CI of (budget − baseline) lies below 0 (hi &lt; 0). Means, ratio and CI are all computed on
 * the same paired examples so that they tell one story.
 *
 * <p><b>Without a baseline series</b> (budget 1.0 not run), the budget's own first non-empty bin is the baseline
 * (unpaired): a later bin is the transition when the upper bound of the bootstrap CI of its mean lies below threshold ×
 * the first-bin mean (the first-bin mean is taken as fixed).
 *
 * <p>Both modes: a baseline mean ≤ 0 makes the ratio undefined, so the bin is not counted as below the threshold (the
 * evidence says so); fewer than 2 items give no CI verdict. Variance spikes (contextCLI): a bin's variance &gt; 2 × the
 * baseline bin's variance (same bin at budget 1.0, or the first bin). Every bootstrap uses the given seed, so a bin's
 * result does not depend on which other bins or budgets were run.
 */
public final class TransitionDetector {
  /** Fewest items for which a CI verdict is given. */
  public static final int MIN_ITEMS = 2;

  private TransitionDetector() {}

  /** {@link #detect(BinSeries, List, double, int, double, long, String, double)} with metric "mean", unscaled. */
  public static List<Transition> detect(
      BinSeries baseline, List<BinSeries> others, double threshold, int iterations, double level, long seed) {
    return detect(baseline, others, threshold, iterations, level, seed, "mean", 1.0);
  }

  /**
   * One {@link Transition} per series of {@code others}, in order. {@code baseline} may be null (no budget-1.0 run).
   * {@code metricName} and {@code displayScale} (e.g. "F1", 100) only shape the evidence sentence.
   */
  public static List<Transition> detect(BinSeries baseline, List<BinSeries> others, double threshold, int iterations,
      double level, long seed, String metricName, double displayScale) {
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("transition threshold must be a positive number, got " + threshold);
    }
    Bootstrap.check(iterations, level);
    Fmt fmt = new Fmt(metricName == null || metricName.isBlank() ? "mean" : metricName, displayScale);
    List<Transition> out = new ArrayList<>(others.size());
    for (BinSeries series : others) {
      out.add(baseline == null
          ? unpaired(series, threshold, iterations, level, seed, fmt)
          : paired(baseline, series, threshold, iterations, level, seed, fmt));
    }
    return out;
  }

  private static Transition paired(BinSeries baseline, BinSeries series, double threshold, int iterations,
      double level, long seed, Fmt fmt) {
    Map<Integer, BinScores> baseBins = new HashMap<>();
    for (BinScores b : baseline.bins()) {
      baseBins.put(b.binIndex(), b);
    }
    String baseName = "budget " + label(baseline);
    List<BinComparison> rows = new ArrayList<>();
    BinComparison hit = null;
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
      double mean = Descriptive.mean(a);
      double baseMean = Descriptive.mean(b);
      Interval diff = PairedBootstrap.meanDiffCi(a, b, iterations, level, seed);
      String note = n == 0 ? "no examples scored at both this budget and " + baseName
          : baseMean <= 0 ? "baseline mean is 0, ratio undefined" : "";
      rows.add(judge(bin, n, mean, baseMean, diff, threshold, Descriptive.variance(a), Descriptive.variance(b),
          false, note));
      BinComparison row = rows.get(rows.size() - 1);
      if (hit == null && row.meetsCriterion()) {
        hit = row;
      }
    }
    String evidence;
    if (hit != null) {
      evidence = String.format(Locale.ROOT, "%s: %s %s vs %s at %s (ratio %.2f < %.2f), paired diff %s",
          fmt.bin(hit), fmt.metric(), fmt.value(hit.mean()), fmt.value(hit.baselineMean()), baseName, hit.ratio(),
          threshold, hit.diff().scaled(fmt.scale()).format(fmt.decimals()));
    } else {
      evidence = String.format(Locale.ROOT, "no bin fell below %.2f × baseline with a CI excluding 0 (%d bins checked)",
          threshold, rows.size());
    }
    return new Transition(series.budget(), hit == null ? null : hit.binIndex(), hit == null ? null : hit.binLabel(),
        evidence + notes(rows), rows);
  }

  private static Transition unpaired(BinSeries series, double threshold, int iterations, double level, long seed,
      Fmt fmt) {
    List<BinComparison> rows = new ArrayList<>();
    BinComparison reference = null;
    BinComparison hit = null;
    Interval hitCi = null;
    for (BinScores bin : sorted(series.bins())) {
      double[] x = new TreeMap<>(bin.scoreByExampleId()).values().stream()
          .filter(TransitionDetector::ok).mapToDouble(Double::doubleValue).toArray();
      int n = x.length;
      double mean = Descriptive.mean(x);
      double var = Descriptive.variance(x);
      if (reference == null) {
        if (n == 0) {
          rows.add(new BinComparison(bin.binIndex(), bin.binLabel(), 0, Double.NaN, Double.NaN, Double.NaN,
              Interval.empty(level), false, false, Double.NaN, Double.NaN, false, false,
              "no scores (before the reference bin)"));
          continue;
        }
        reference = new BinComparison(bin.binIndex(), bin.binLabel(), n, mean, mean, mean > 0 ? 1.0 : Double.NaN,
            new Interval(0, 0, 0, n, level), false, false, var, var, false, false,
            "reference bin (budget 1.0 not run)");
        rows.add(reference);
        continue;
      }
      double baseMean = reference.mean();
      Interval ci = Bootstrap.meanCi(x, iterations, level, seed);
      Interval diff = new Interval(mean - baseMean, ci.lo() - baseMean, ci.hi() - baseMean, n, level);
      String note = n == 0 ? "no scores" : baseMean <= 0 ? "first-bin mean is 0, ratio undefined" : "";
      BinComparison row = judge(bin, n, mean, baseMean, diff, threshold, var, reference.variance(), true, note);
      rows.add(row);
      if (hit == null && row.meetsCriterion()) {
        hit = row;
        hitCi = ci;
      }
    }
    String baseName = reference == null ? "the first bin" : fmt.bin(reference) + ", budget 1.0 not run";
    String evidence;
    if (hit != null) {
      evidence = String.format(Locale.ROOT,
          "%s: %s %s vs %s in %s (ratio %.2f; CI upper bound %s < %.2f × %s = %s, unpaired)",
          fmt.bin(hit), fmt.metric(), hitCi.scaled(fmt.scale()).format(fmt.decimals()), fmt.value(hit.baselineMean()),
          baseName, hit.ratio(), fmt.value(hitCi.hi()), threshold, fmt.value(hit.baselineMean()),
          fmt.value(threshold * hit.baselineMean()));
    } else if (reference == null) {
      evidence = String.format(Locale.ROOT, "no scores in any bin (%d bins checked)", rows.size());
    } else {
      evidence = String.format(Locale.ROOT,
          "no bin's CI fell below %.2f × the first-bin baseline %s (%s; %d bins checked)",
          threshold, fmt.value(reference.mean()), baseName, rows.size());
    }
    return new Transition(series.budget(), hit == null ? null : hit.binIndex(), hit == null ? null : hit.binLabel(),
        evidence + notes(rows), rows);
  }

  /** Applies the threshold, CI and variance rules to one bin. */
  private static BinComparison judge(BinScores bin, int n, double mean, double baseMean, Interval diff,
      double threshold, double var, double baseVar, boolean unpaired, String note) {
    boolean defined = n > 0 && baseMean > 0;
    double ratio = defined ? mean / baseMean : Double.NaN;
    boolean below = defined && mean < threshold * baseMean;
    boolean excludesZero = n >= MIN_ITEMS && diff.excludes(0);
    boolean meets;
    if (unpaired) {
      // CI of the bin mean = diff + baseMean; its upper bound must lie below threshold × baseline
      meets = defined && n >= MIN_ITEMS && diff.hi() + baseMean < threshold * baseMean;
    } else {
      meets = below && excludesZero && diff.hi() < 0;
    }
    boolean spike = !Double.isNaN(var) && !Double.isNaN(baseVar) && var > 2 * baseVar;
    String why = note;
    if (why.isEmpty() && n > 0 && n < MIN_ITEMS) {
      why = "fewer than " + MIN_ITEMS + " items, no CI verdict";
    }
    return new BinComparison(bin.binIndex(), bin.binLabel(), n, mean, baseMean, ratio, diff, below, excludesZero, var,
        baseVar, spike, meets, why);
  }

  /** "; baseline mean is 0, ratio undefined in bin(s) 1, 2; variance spike in bin(s) 3". */
  private static String notes(List<BinComparison> rows) {
    Map<String, List<Integer>> byNote = new LinkedHashMap<>();
    for (BinComparison r : rows) {
      if (!r.note().isEmpty() && !r.note().startsWith("reference bin")) {
        byNote.computeIfAbsent(r.note(), k -> new ArrayList<>()).add(r.binIndex());
      }
    }
    for (BinComparison r : rows) {
      if (r.varianceSpike()) {
        byNote.computeIfAbsent("variance spike (> 2 × baseline variance)", k -> new ArrayList<>()).add(r.binIndex());
      }
    }
    StringBuilder sb = new StringBuilder();
    byNote.forEach((note, bins) -> sb.append("; ").append(note).append(" in bin").append(bins.size() > 1 ? "s " : " ")
        .append(String.join(", ", bins.stream().map(String::valueOf).toList())));
    return sb.toString();
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
  private record Fmt(String metric, double scale) {
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
