package dev.harness.metrics.kl;

import java.util.Map;

/**
 * {@code topk_rest}: at one position, with U = topk_P ∩ topk_Q (by token text), both distributions are coarsened to
 * the buckets U ∪ {rest}, rest = 1 − Σ_U. The KL of the coarsened pair is a lower bound of the true KL (data
 * processing inequality / chain rule: the divergence inside the rest bucket is lost). No renormalisation over the
 * top-k and no epsilon floor.
 *
 * <p>Zero masses, handled explicitly: a term with p = 0 contributes 0; a term with p &gt; 0 and q = 0 makes the KL
 * +∞, reported as such. The rest masses are computed as 1 − Σ_U exp(lp) with compensated summation; a rest within
 * {@link #REST_TOLERANCE} of 0 (either sign) is the round-off of providers' printed log-probabilities and is set to
 * exactly 0 — it is never raised, so a P-rest &gt; tolerance against a Q-rest of 0 (Q's top-k covers the whole shared
 * mass) is +∞. A shared mass above 1 + tolerance is invalid input: the rest is set to 0 and {@code overfull} is set.
 */
public final class TopkRest {
  /** Rests with |1 − Σ_U p| at or below this are exactly 0 (provider log-probs carry ~7 significant digits). */
  public static final double REST_TOLERANCE = 1e-6;

  private TopkRest() {}

  public static RestPosition position(Map<String, Double> topP, Map<String, Double> topQ) {
    double sumP = 0, cP = 0, sumQ = 0, cQ = 0, absDiff = 0, klShared = 0;
    for (Map.Entry<String, Double> e : topP.entrySet()) {
      Double lqBoxed = topQ.get(e.getKey());
      if (lqBoxed == null) continue;
      double lp = e.getValue(), lq = lqBoxed;
      double p = Math.exp(lp), q = Math.exp(lq);
      // Kahan summation of the shared masses
      double y = p - cP, t = sumP + y;
      cP = (t - sumP) - y;
      sumP = t;
      y = q - cQ;
      t = sumQ + y;
      cQ = (t - sumQ) - y;
      sumQ = t;
      absDiff += Math.abs(p - q);
      if (p > 0) klShared += (q > 0) ? p * (lp - lq) : Double.POSITIVE_INFINITY;
    }
    double pRest = rest(sumP), qRest = rest(sumQ);
    boolean overfull = sumP > 1 + REST_TOLERANCE || sumQ > 1 + REST_TOLERANCE;
    double restTerm;
    if (pRest == 0) restTerm = 0;
    else if (qRest == 0) restTerm = Double.POSITIVE_INFINITY;
    else restTerm = pRest * (Math.log1p(-sumP) - Math.log1p(-sumQ)); // log of the rests, accurate for small sums
    double kl = klShared + restTerm;
    if (kl < 0 && kl > -1e-12) kl = 0; // round-off of an exactly equal pair; a coarsened KL is never negative
    double tvdLow = 0.5 * absDiff + 0.5 * Math.abs(pRest - qRest);
    double tvdHigh = 0.5 * absDiff + 0.5 * (pRest + qRest);
    return new RestPosition(kl, sumP, pRest, qRest, tvdLow, Math.min(1.0, tvdHigh), overfull);
  }

  /** 1 − shared, with round-off (and invalid overfull input) mapped to exactly 0. */
  static double rest(double shared) {
    double r = 1.0 - shared;
    return r <= REST_TOLERANCE ? 0.0 : r;
  }
}
