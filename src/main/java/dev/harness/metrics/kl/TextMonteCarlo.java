package dev.harness.metrics.kl;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code text_mc}: Monte Carlo KL at the text level, for models with different tokenizers. A sample y of P (the
 * prompt's response text) carries log P(y|x) and log Q(y|x), each model scoring y with its own tokenisation; its
 * forward term is log P(y|x) − log Q(y|x) (nats per sequence), and that divided by the number of characters of y
 * (nats per character). The prompt's value: bootstrap unit i pairs A's i-th and B's i-th sample, its value the mean of
 * the available directions (as for {@code mc}); the value is the mean over units with a percentile-bootstrap interval.
 * Pure math: no I/O.
 */
public final class TextMonteCarlo {
  private TextMonteCarlo() {}

  /**
   * One sampled text scored under both models.
   *
   * @param logpOwn log-probability of the text under the model that sampled it (sum over its own tokens)
   * @param logpOther log-probability of the same text under the other model (its own tokens)
   * @param chars the text's length in characters (Java chars, as {@code String.length()})
   */
  public record TextSample(double logpOwn, double logpOther, int chars) {
    /** log pOwn − log pOther: this sample's single-sample KL estimate, nats per sequence. */
    public double perSequence() { return logpOwn - logpOther; }

    /** {@link #perSequence} per character; NaN for an empty text. */
    public double perChar() { return chars == 0 ? Double.NaN : perSequence() / chars; }
  }

  /**
   * @param a samples of A (forward direction, KL(A‖B)), in sample order
   * @param b samples of B (reverse direction, KL(B‖A)), in sample order
   */
  public static PromptDivergence estimate(String promptId, List<TextSample> a, List<TextSample> b, KlOptions opt) {
    EnumSet<KlFlag> flags = EnumSet.noneOf(KlFlag.class);
    int n = Math.max(a.size(), b.size());
    List<Double> units = new ArrayList<>(), unitsChar = new ArrayList<>();
    boolean oneDirection = false;
    long chars = 0;
    for (int i = 0; i < n; i++) {
      TextSample f = i < a.size() ? a.get(i) : null, r = i < b.size() ? b.get(i) : null;
      double seq = 0, ch = 0;
      int k = 0, kc = 0;
      for (TextSample t : new TextSample[] {f, r}) {
        if (t == null || Double.isNaN(t.perSequence())) continue;
        chars += t.chars();
        seq += t.perSequence();
        k++;
        if (!Double.isNaN(t.perChar())) {
          ch += t.perChar();
          kc++;
        }
      }
      if (k == 0) continue;
      if (k == 1) oneDirection = true;
      units.add(seq / k);
      if (kc > 0) unitsChar.add(ch / kc);
    }
    double[] vals = units.stream().mapToDouble(Double::doubleValue).toArray();
    double value = mean(vals);
    double[] ci = KlBootstrap.meanInterval(vals, opt.bootstrapIters(), opt.ciLevel(),
        opt.seed() * 0x9E3779B97F4A7C15L ^ promptId.hashCode());
    double[] valsChar = unitsChar.stream().mapToDouble(Double::doubleValue).toArray();
    double[] ciChar = KlBootstrap.meanInterval(valsChar, opt.bootstrapIters(), opt.ciLevel(),
        opt.seed() * 0x9E3779B97F4A7C15L ^ promptId.hashCode() ^ 1L);
    if (vals.length == 0) flags.add(KlFlag.NO_TOKENS);
    if (vals.length == 1) flags.add(KlFlag.SINGLE_SAMPLE);
    if (oneDirection) flags.add(KlFlag.ONE_DIRECTION);
    if (value == Double.POSITIVE_INFINITY) flags.add(KlFlag.INFINITE);
    Map<String, Double> extra = new LinkedHashMap<>();
    extra.put("per_char", mean(valsChar));
    extra.put("per_char_ci_low", ciChar[0]);
    extra.put("per_char_ci_high", ciChar[1]);
    extra.put("forward_per_char", meanOf(a, true));
    extra.put("reverse_per_char", meanOf(b, true));
    extra.put("characters", (double) chars);
    double nan = Double.NaN;
    return new PromptDivergence(promptId, Estimator.TEXT_MC, value, ci[0], ci[1], meanOf(a, false), meanOf(b, false),
        vals.length, chars, nan, nan, nan, nan, nan, extra, Set.copyOf(flags));
  }

  private static double meanOf(List<TextSample> s, boolean perChar) {
    double sum = 0;
    int n = 0;
    for (TextSample t : s) {
      double v = perChar ? t.perChar() : t.perSequence();
      if (Double.isNaN(v)) continue;
      sum += v;
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double mean(double[] v) {
    if (v.length == 0) return Double.NaN;
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }
}
