package dev.harness.metrics.kl;

import java.util.List;

/**
 * {@code topk_lookup}, the seed's method, exactly: along a sample of P, each sampled token with p = exp(its log-prob
 * under P) is looked up by text in Q's top-k at the same position; found: contribution p·log(p/q) = p·(lp − lq);
 * absent (or Q has no top-k there, or lp is missing): skipped. A direction's value is the mean over the compared
 * tokens (length normalisation over the tokens that contributed); NaN when none was compared. Biased (see
 * {@link Estimator#TOPK_LOOKUP}).
 */
public final class TopkLookup {
  private TopkLookup() {}

  /** The mean contribution over compared tokens (NaN if none), the compared and skipped counts. */
  public record Direction(double value, int compared, int skipped) {}

  public static Direction direction(List<Position> positions) {
    double sum = 0;
    int compared = 0, skipped = 0;
    for (Position pos : positions) {
      Double lq = pos.topQ().get(pos.token());
      double lp = pos.logprobP();
      if (lq == null || Double.isNaN(lp)) {
        skipped++;
        continue;
      }
      double p = Math.exp(lp);
      sum += p == 0 ? 0 : p * (lp - lq);
      compared++;
    }
    return new Direction(compared == 0 ? Double.NaN : sum / compared, compared, skipped);
  }
}
