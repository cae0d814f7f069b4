package dev.harness.metrics.kl;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The divergence estimators of reference/kl.md, by their command-line names. */
public enum Estimator {
  /**
   * Monte Carlo sequence KL with teacher forcing: needs the other model's log-probability of every sampled token.
   * Headline value: the per-token form mean over t of [(r_t - 1) - log r_t], r_t = b_t / a_t (unbiased, never
   * negative); the naive sum of (log a_t - log b_t) is reported beside it.
   */
  MC("mc", false,
      "Monte Carlo KL with teacher forcing, per-token form mean_t[(r-1) - log r], r = b/a; unbiased when samples are"
          + " drawn at temperature 1 without top-p/top-k truncation; the variance shrinks with more samples."),
  /** Coarsened KL over the shared top-k plus one rest bucket: a lower bound of the true per-position KL. */
  TOPK_REST("topk_rest", false,
      "Per position, both distributions coarsened to U = topk_A ∩ topk_B plus one rest bucket (1 - sum over U);"
          + " the KL of the coarsened pair is a LOWER BOUND of the true KL (the divergence inside the rest is lost)."
          + " Read it beside the covered mass; +inf when one side puts mass in the rest and the other none."),
  /** The seed's method, kept for compatibility; biased. */
  TOPK_LOOKUP("topk_lookup", true,
      "The original seed method: p*log(p/q) of each sampled token, q looked up in the other model's top-k at the same"
          + " position of the paired response, tokens absent from that top-k skipped. BIASED: it is not a KL (it sums"
          + " one term per sampled token, drops the tail, and compares positions of independently sampled responses,"
          + " which condition on different prefixes after the first differing token); kept for comparison only."),
  /** Text-level Monte Carlo KL for models with different tokenizers: sequence log-probs of the same response text. */
  TEXT_MC("text_mc", false,
      "Text-level Monte Carlo KL, for models whose tokenizers differ: each sampled response text y of A is scored"
          + " under A and under B (each model with its own tokenisation of y after the prompt as it rendered it for"
          + " sampling); KL(A‖B) ≈ mean over A's samples of [log pA(y|x) − log pB(y|x)], the reverse along B's"
          + " samples, symmetric mean. Values are NATS PER SEQUENCE (per character: the extra values per_char, forward_per_char, reverse_per_char); unbiased for the"
          + " KL between the two models' distributions over response texts when samples are drawn at temperature 1"
          + " without truncation; single samples may be negative. The end-of-sequence token is not scored (the"
          + " tokenizers' stop tokens differ), so y's probability is that of the text as a prefix.");

  private final String id;
  private final boolean biased;
  private final String description;

  Estimator(String id, boolean biased, String description) {
    this.id = id;
    this.biased = biased;
    this.description = description;
  }

  /** What one value measures, for reports and axis labels: "per token" or "per sequence". */
  public String unit() { return this == TEXT_MC ? "per sequence" : "per token"; }

  /** The command-line / config name ({@code topk_rest}). */
  public String id() { return id; }

  /** True for estimators whose expectation is known not to be the KL (topk_lookup). */
  public boolean biased() { return biased; }

  /** One paragraph for reports: what is estimated, and its caveats. */
  public String description() { return description; }

  /** Parses a name (case-insensitive, {@code -} or {@code _}); null when unknown. */
  public static Estimator parse(String s) {
    if (s == null) return null;
    String k = s.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    for (Estimator e : values()) if (e.id.equals(k)) return e;
    return null;
  }

  /** "mc, topk_rest, topk_lookup, text_mc". */
  public static String names() {
    return Arrays.stream(values()).map(Estimator::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() { return id; }
}
