package dev.harness.metrics.mc;

import java.util.List;

/**
 * lm-eval's multiple-choice metrics from the summed log-likelihood of each choice's continuation: {@code acc}
 * (argmax, ties → lowest index), {@code acc_norm} (argmax of loglik / Unicode code points of the choice text without
 * the leading delimiter), mc2 (probability mass on true answers / total mass, by log-sum-exp so very negative
 * log-likelihoods give no 0/0), and lm-eval's standard error of a mean.
 */
public final class McMetrics {
  private McMetrics() {}

  /** Index of the largest value; the lowest index among ties. */
  public static int argmax(double[] v) {
    if (v.length == 0) throw new IllegalArgumentException("no choices");
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) best = i;
    }
    return best;
  }

  /** 1 when the highest-log-likelihood choice is gold, else 0. */
  public static double acc(double[] loglik, int gold) {
    return argmax(loglik) == gold ? 1.0 : 0.0;
  }

  /** 1 when the highest log-likelihood per code point of the choice text is gold, else 0. */
  public static double accNorm(double[] loglik, List<String> choices, int gold) {
    return argmax(normalized(loglik, choices)) == gold ? 1.0 : 0.0;
  }

  /** loglik_i / (code points of choice i); a choice of zero code points keeps its raw loglik (no division by 0). */
  public static double[] normalized(double[] loglik, List<String> choices) {
    if (choices.size() != loglik.length) {
      throw new IllegalArgumentException(loglik.length + " log-likelihoods for " + choices.size() + " choices");
    }
    double[] out = new double[loglik.length];
    for (int i = 0; i < out.length; i++) {
      int len = choices.get(i).codePointCount(0, choices.get(i).length());
      out[i] = len == 0 ? loglik[i] : loglik[i] / len;
    }
    return out;
  }

  /** mc2: Σ_{label=1} exp(ll) / Σ exp(ll), computed as exp(lse(true) − lse(all)); labels in any order. */
  public static double mc2(double[] loglik, List<Integer> labels) {
    if (labels.size() != loglik.length) {
      throw new IllegalArgumentException(loglik.length + " log-likelihoods for " + labels.size() + " labels");
    }
    int nTrue = 0;
    for (int l : labels) nTrue += l == 1 ? 1 : 0;
    if (nTrue == 0) throw new IllegalArgumentException("mc2 needs at least one true answer");
    double[] t = new double[nTrue];
    int k = 0;
    for (int i = 0; i < loglik.length; i++) {
      if (labels.get(i) == 1) t[k++] = loglik[i];
    }
    return Math.exp(logSumExp(t) - logSumExp(loglik));
  }

  /** log Σ exp(x_i), shifted by the maximum; −∞ for no finite value. */
  public static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) max = Math.max(max, v);
    if (max == Double.NEGATIVE_INFINITY) return max;
    double s = 0;
    for (double v : x) s += Math.exp(v - max);
    return max + Math.log(s);
  }

}
