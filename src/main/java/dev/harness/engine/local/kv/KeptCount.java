package dev.harness.engine.local.kv;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * How many of a context's {@code length} positions a budget keeps ({@code kv.params.rounding}).
 *
 * <ul>
 *   <li>{@code ceil} (default): {@code ceil(budget × length)}, at most {@code length} (a 1e-9 tolerance absorbs
 *       products such as 0.7 × 10 = 7.000000000000001).
 *   <li>{@code kvpress}: NVIDIA kvpress's {@code ScorerPress.compress} ({@code kvpress/presses/scorer_press.py}):
 *       {@code n_kept = max(1, int(k_len * (1 - compression_ratio)))} in IEEE doubles, with {@code compression_ratio}
 *       the decimal a kvpress user writes for this budget: 1 − budget computed in decimal (budget 0.3 → 0.7), then read
 *       as a double. So budget 0.3 over 10 positions keeps int(10 × (1 − 0.7)) = int(3.0000000000000004) = 3, budget
 *       0.1 over 100 keeps int(9.999999999999998) = 9 (ceil: 10), budget 0.5 over 101 keeps 50 (ceil: 51). A budget of
 *       1.0 (compression_ratio 0) keeps everything, as kvpress returns the cache unchanged.
 * </ul>
 */
public enum KeptCount {
  CEIL,
  KVPRESS;

  /** The rule named by {@code params.rounding} (absent: {@code ceil}); an unknown value throws. */
  public static KeptCount of(Map<String, Object> params) {
    Object v = params == null ? null : params.get("rounding");
    if (v == null) {
      return CEIL;
    }
    return switch (String.valueOf(v).trim().toLowerCase(Locale.ROOT)) {
      case "ceil" -> CEIL;
      case "kvpress" -> KVPRESS;
      default -> throw new IllegalArgumentException("KV param rounding must be ceil or kvpress, got '" + v + "'");
    };
  }

  /** Positions kept of {@code length} at {@code budget} (a fraction in (0, 1]). */
  public int kept(double budget, int length) {
    if (this == CEIL) {
      return (int) Math.min(length, Math.ceil(budget * length - 1e-9));
    }
    double ratio = BigDecimal.ONE.subtract(new BigDecimal(Double.toString(budget))).doubleValue();
    if (ratio == 0) {
      return length;
    }
    return Math.min(length, Math.max(1, (int) (length * (1 - ratio))));
  }
}
