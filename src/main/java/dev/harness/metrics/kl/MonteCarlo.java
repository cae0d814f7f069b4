package dev.harness.metrics.kl;

import java.util.List;

/**
 * {@code mc}: Monte Carlo KL(P‖Q) along one sample y ~ P, with Q teacher-forced on the same tokens (a_t = P(y_t|·),
 * b_t = Q(y_t|·), r_t = b_t / a_t). Naive per sequence: Σ_t (log a_t − log b_t). Lower-variance per-token form:
 * Σ_t [(r_t − 1) − log r_t] (each term ≥ 0; its expectation is the same KL because E_P[r_t] = 1 over the full
 * vocabulary). Per-token values divide by the length. b_t = 0 gives +∞.
 */
public final class MonteCarlo {
  private MonteCarlo() {}

  /** One sample's sums and length; {@code missing} counts positions without both log-probs (excluded). */
  public record Sequence(double naiveSum, double k3Sum, int length, int missing) {
    public double naivePerToken() { return length == 0 ? Double.NaN : naiveSum / length; }

    public double k3PerToken() { return length == 0 ? Double.NaN : k3Sum / length; }
  }

  public static Sequence sequence(List<Position> positions) {
    double naive = 0, k3 = 0;
    int n = 0, missing = 0;
    for (Position pos : positions) {
      double a = pos.logprobP(), b = pos.logprobQ();
      if (Double.isNaN(a) || Double.isNaN(b)) {
        missing++;
        continue;
      }
      naive += a - b;
      k3 += term(a, b);
      n++;
    }
    return new Sequence(naive, k3, n, missing);
  }

  /** (r − 1) − log r with log r = b − a, computed as expm1(d) − d for accuracy near r = 1. */
  public static double term(double logA, double logB) {
    double d = logB - logA;
    if (d == Double.NEGATIVE_INFINITY) return Double.POSITIVE_INFINITY;
    return Math.expm1(d) - d;
  }
}
