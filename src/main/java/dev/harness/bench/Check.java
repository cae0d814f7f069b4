package dev.harness.bench;

/**
 * One efficiency ratio, its inputs and its target: {@code ratio = numerator / denominator}, compared with
 * {@code target}. Informative only: the bench exits 0 either way.
 */
public record Check(String key, String label, String numeratorLabel, double numerator, String denominatorLabel,
    double denominator, String unit, Comparison comparison, double target, String formula) {

  public enum Comparison {
    AT_LEAST(">="),
    AT_MOST("<=");

    private final String symbol;

    Comparison(String symbol) { this.symbol = symbol; }

    public String symbol() { return symbol; }
  }

  public double ratio() { return denominator == 0 ? Double.NaN : numerator / denominator; }

  /** True when the ratio meets the target; false when it misses it or cannot be computed. */
  public boolean pass() {
    double r = ratio();
    if (Double.isNaN(r)) return false;
    return comparison == Comparison.AT_LEAST ? r >= target : r <= target;
  }

  /** "PASS" or "BELOW" (short of the target), "n/a" when an input is missing. */
  public String mark() { return Double.isNaN(ratio()) ? "n/a" : pass() ? "PASS" : "BELOW"; }
}
