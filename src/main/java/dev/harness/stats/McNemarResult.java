package dev.harness.stats;

/**
 * McNemar on paired 0/1 outcomes: b = only A right, c = only B right; exact two-sided binomial p, mid-p, and the
 * continuity-corrected chi-square with its p-value (df = 1).
 */
public record McNemarResult(int b, int c, double exactP, double midP, double chi2, double chi2P) {
  /** The number of discordant pairs b + c. */
  public int discordant() {
    return b + c;
  }
}
