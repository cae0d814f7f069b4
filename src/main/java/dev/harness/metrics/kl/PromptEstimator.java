package dev.harness.metrics.kl;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a prompt's sample pairs into a {@link PromptDivergence}: each pair's value is the mean of its available
 * directions (each direction a per-token value); the prompt's value is the mean over pairs with a percentile-bootstrap
 * interval over pairs. Pure math: no I/O.
 */
public final class PromptEstimator {
  private PromptEstimator() {}

  /** Per-direction outcome of one sample. */
  private record Dir(double value, long tokens, double covSum, double covMin, long covLow, long covN, double tvdLo,
      double tvdHi, int skipped, double seqK3, double naiveTok, double naiveSeq, boolean overfull) {}

  public static PromptDivergence estimate(String promptId, Estimator est, List<SamplePair> pairs, KlOptions opt,
      Set<KlFlag> extraFlags) {
    EnumSet<KlFlag> flags = EnumSet.noneOf(KlFlag.class);
    flags.addAll(extraFlags);
    if (est.biased()) flags.add(KlFlag.BIASED);
    List<Double> unitValues = new ArrayList<>();
    Acc fwd = new Acc(), rev = new Acc();
    double covSum = 0, covMin = Double.NaN;
    long covN = 0, covLow = 0, tokens = 0;
    double tvdLo = 0, tvdHi = 0;
    int tvdN = 0, skipped = 0;
    boolean oneDirection = false;
    for (SamplePair pair : pairs) {
      Dir f = pair.forward() == null ? null : direction(est, pair.forward(), opt);
      Dir r = pair.reverse() == null ? null : direction(est, pair.reverse(), opt);
      double sum = 0;
      int k = 0;
      for (Dir d : new Dir[] {f, r}) {
        if (d == null) continue;
        tokens += d.tokens;
        skipped += d.skipped;
        if (d.overfull) flags.add(KlFlag.MASS_ABOVE_ONE);
        if (d.covN > 0) {
          covSum += d.covSum;
          covN += d.covN;
          covLow += d.covLow;
          covMin = Double.isNaN(covMin) ? d.covMin : Math.min(covMin, d.covMin);
        }
        if (!Double.isNaN(d.value)) {
          sum += d.value;
          k++;
          if (!Double.isNaN(d.tvdLo)) {
            tvdLo += d.tvdLo;
            tvdHi += d.tvdHi;
            tvdN++;
          }
        }
      }
      if (f != null) fwd.add(f);
      if (r != null) rev.add(r);
      if (k == 0) continue; // nothing comparable in this pair (counted through nTokens / NO_TOKENS)
      if (k == 1) oneDirection = true;
      unitValues.add(sum / k);
    }
    double[] vals = unitValues.stream().mapToDouble(Double::doubleValue).toArray();
    double value = mean(vals);
    double[] ci = KlBootstrap.meanInterval(vals, opt.bootstrapIters(), opt.ciLevel(),
        opt.seed() * 0x9E3779B97F4A7C15L ^ promptId.hashCode());
    if (vals.length == 0) flags.add(KlFlag.NO_TOKENS);
    if (vals.length == 0 && est == Estimator.TOPK_REST && tokens == 0 && hasPositions(pairs)) flags.add(KlFlag.NO_TOPK);
    if (vals.length == 1) flags.add(KlFlag.SINGLE_SAMPLE);
    if (oneDirection) flags.add(KlFlag.ONE_DIRECTION);
    if (value == Double.POSITIVE_INFINITY) flags.add(KlFlag.INFINITE);
    if (skipped > 0 && est == Estimator.TOPK_LOOKUP) flags.add(KlFlag.SKIPPED_TOKENS);
    double meanCov = covN == 0 ? Double.NaN : covSum / covN;
    if (covN > 0 && meanCov < opt.minCoverage()) flags.add(KlFlag.LOW_COVERAGE);
    Map<String, Double> extra = new LinkedHashMap<>();
    if (est == Estimator.MC) {
      extra.put("forward_per_token_naive", fwd.naiveTok());
      extra.put("forward_per_sequence", fwd.seqK3());
      extra.put("forward_per_sequence_naive", fwd.naiveSeq());
      extra.put("reverse_per_token_naive", rev.naiveTok());
      extra.put("reverse_per_sequence", rev.seqK3());
      extra.put("reverse_per_sequence_naive", rev.naiveSeq());
    }
    if (est == Estimator.TOPK_LOOKUP) extra.put("skipped_tokens", (double) skipped);
    return new PromptDivergence(promptId, est, value, ci[0], ci[1], fwd.value(), rev.value(), vals.length, tokens,
        meanCov, covMin, covN == 0 ? Double.NaN : (double) covLow / covN,
        tvdN == 0 ? Double.NaN : tvdLo / tvdN, tvdN == 0 ? Double.NaN : tvdHi / tvdN, extra, flags);
  }

  private static Dir direction(Estimator est, List<Position> positions, KlOptions opt) {
    switch (est) {
      case TOPK_REST: {
        double kl = 0, cov = 0, covMin = Double.NaN, lo = 0, hi = 0;
        long low = 0;
        boolean overfull = false;
        int n = 0;
        for (Position p : positions) {
          // a position without a top-k list on one side has no shared set: it is not comparable (an empty U would
          // give rest = 1 on both sides and a KL of exactly 0, which reads as "identical")
          if (p.topP().isEmpty() || p.topQ().isEmpty()) continue;
          n++;
          RestPosition r = TopkRest.position(p.topP(), p.topQ());
          kl += r.kl();
          cov += r.covered();
          covMin = Double.isNaN(covMin) ? r.covered() : Math.min(covMin, r.covered());
          if (r.covered() < opt.minCoverage()) low++;
          lo += r.tvdLow();
          hi += r.tvdHigh();
          overfull |= r.overfull();
        }
        double nan = Double.NaN;
        return n == 0
            ? new Dir(nan, 0, 0, nan, 0, 0, nan, nan, 0, nan, nan, nan, false)
            : new Dir(kl / n, n, cov, covMin, low, n, lo / n, hi / n, 0, nan, nan, nan, overfull);
      }
      case TOPK_LOOKUP: {
        TopkLookup.Direction d = TopkLookup.direction(positions);
        double nan = Double.NaN;
        return new Dir(d.value(), d.compared(), 0, nan, 0, 0, nan, nan, d.skipped(), nan, nan, nan, false);
      }
      case MC: {
        MonteCarlo.Sequence s = MonteCarlo.sequence(positions);
        double nan = Double.NaN;
        return new Dir(s.k3PerToken(), s.length(), 0, nan, 0, 0, nan, nan, s.missing(), s.length() == 0 ? nan : s.k3Sum(),
            s.naivePerToken(), s.length() == 0 ? nan : s.naiveSum(), false);
      }
      default:
        throw new IllegalStateException(est.id());
    }
  }

  private static boolean hasPositions(List<SamplePair> pairs) {
    for (SamplePair p : pairs) {
      if (p.forward() != null && !p.forward().isEmpty()) return true;
      if (p.reverse() != null && !p.reverse().isEmpty()) return true;
    }
    return false;
  }

  private static double mean(double[] v) {
    if (v.length == 0) return Double.NaN;
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }

  /** Means over samples of one direction's values (NaN-valued samples excluded). */
  private static final class Acc {
    double v, k3, nt, ns;
    int n;

    void add(Dir d) {
      if (Double.isNaN(d.value)) return;
      v += d.value;
      k3 += d.seqK3;
      nt += d.naiveTok;
      ns += d.naiveSeq;
      n++;
    }

    double value() { return n == 0 ? Double.NaN : v / n; }
    double seqK3() { return n == 0 ? Double.NaN : k3 / n; }
    double naiveTok() { return n == 0 ? Double.NaN : nt / n; }
    double naiveSeq() { return n == 0 ? Double.NaN : ns / n; }
  }
}
