package dev.harness.data;

import java.util.List;
import java.util.Set;

/**
 * Which examples a study uses (config {@code sampling:}).
 *
 * @param strategy {@code uniform} | {@code pinned} | {@code focus_transition}
 * @param nPerBin examples per bin (uniform, focus_transition)
 * @param seed seed of the per-bin shuffles
 * @param ids the example ids ({@code pinned})
 * @param focusBins bin indexes that get {@code nPerBin × focusFactor} ({@code focus_transition}); empty = the upper
 *     half of the bins (index ≥ binCount/2, so 5 bins → 2, 3, 4)
 * @param focusFactor multiplier for focus bins; 0 or less = the default 3
 */
public record SamplingSpec(String strategy, int nPerBin, long seed, List<String> ids, List<Integer> focusBins,
    int focusFactor) {
  public static final String UNIFORM = "uniform";
  public static final String PINNED = "pinned";
  public static final String FOCUS_TRANSITION = "focus_transition";
  public static final Set<String> STRATEGIES = Set.of(UNIFORM, PINNED, FOCUS_TRANSITION);
  public static final int DEFAULT_FOCUS_FACTOR = 3;

  public SamplingSpec {
    if (strategy == null || !STRATEGIES.contains(strategy)) {
      throw new DataException("sampling.strategy must be one of uniform, pinned, focus_transition; got '" + strategy
          + "'");
    }
    ids = ids == null ? List.of() : List.copyOf(ids);
    focusBins = focusBins == null ? List.of() : List.copyOf(focusBins);
    if (focusFactor <= 0) focusFactor = DEFAULT_FOCUS_FACTOR;
    if (!strategy.equals(PINNED) && nPerBin < 1) {
      throw new DataException("sampling.n_per_bin must be at least 1, got " + nPerBin);
    }
    if (strategy.equals(PINNED) && ids.isEmpty()) throw new DataException("sampling.ids is empty for strategy pinned");
  }

  public static SamplingSpec uniform(int nPerBin, long seed) {
    return new SamplingSpec(UNIFORM, nPerBin, seed, List.of(), List.of(), 0);
  }

  public static SamplingSpec pinned(List<String> ids) { return new SamplingSpec(PINNED, 0, 0, ids, List.of(), 0); }

  public static SamplingSpec focusTransition(int nPerBin, long seed, List<Integer> focusBins, int focusFactor) {
    return new SamplingSpec(FOCUS_TRANSITION, nPerBin, seed, List.of(), focusBins, focusFactor);
  }
}
