package dev.harness.metrics.control;

/**
 * What an item asks for: {@code p}% of the answers {@code word1}, {@code q = 100 − p}% {@code word2}, within
 * {@code r}% TVD. For random words ({@code givenWords} false) the words are the model's choice and are null.
 */
public record ControlTarget(boolean givenWords, String word1, String word2, int p, int r) {
  public ControlTarget {
    if (p < 0 || p > 100) throw new IllegalArgumentException("p must be in [0, 100], got " + p);
    if (r < 0 || r > 100) throw new IllegalArgumentException("r must be in [0, 100], got " + r);
    if (givenWords && (word1 == null || word2 == null)) throw new IllegalArgumentException("given words need both words");
  }

  public int q() { return 100 - p; }

  /** The tolerance as a TVD: r/100. */
  public double tolerance() { return r / 100.0; }
}
