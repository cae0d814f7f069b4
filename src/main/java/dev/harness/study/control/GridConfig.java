package dev.harness.study.control;

import java.util.List;

/**
 * The {@code grid:} section — output_control study: the item grid. {@code cases} (given_words, random_words,
 * icl_random_words), target percentages {@code ps} (q = 100 − p), tolerances {@code rs} (percent TVD), {@code n_pairs}
 * word pairs for given words, {@code n_seeds} seeds for random words, prompt {@code variants} (plain, sp), the
 * {@code seed} of the random-word seeds, and {@code train_pairs} extra word pairs (disjoint from the evaluation pairs)
 * for the fine-tuning split.
 */
public record GridConfig(List<String> cases, List<Integer> ps, List<Integer> rs, Integer nPairs, Integer nSeeds,
    List<String> variants, Long seed, Integer trainPairs) {
  public static final List<String> CASES = List.of("given_words", "random_words", "icl_random_words");
  public static final List<String> VARIANTS = List.of("plain", "sp");

  public GridConfig {
    cases = cases == null ? List.of("given_words", "random_words") : List.copyOf(cases);
    ps = ps == null ? List.of(30, 40, 50, 60, 70) : List.copyOf(ps);
    rs = rs == null ? List.of(10, 20) : List.copyOf(rs);
    nPairs = nPairs == null ? 10 : nPairs;
    nSeeds = nSeeds == null ? 10 : nSeeds;
    variants = variants == null ? List.of("plain", "sp") : List.copyOf(variants);
    seed = seed == null ? 20240601L : seed;
    trainPairs = trainPairs == null ? 0 : trainPairs;
  }

  public static GridConfig defaults() { return new GridConfig(null, null, null, null, null, null, null, null); }
}
