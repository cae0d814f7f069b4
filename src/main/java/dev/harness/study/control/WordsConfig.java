package dev.harness.study.control;

/**
 * The {@code words:} section — output_control study: where the candidate words come from ({@code source}: {@code
 * builtin} for the list shipped with the harness, or a text file with one word a line), the fewest words the strict
 * tokenizer filter must leave before it is relaxed ({@code min_count}; null = enough for disjoint pairs), the most
 * words kept after the seeded shuffle ({@code max_count}; null = all) and the shuffle {@code seed}.
 */
public record WordsConfig(String source, Integer minCount, Integer maxCount, Long seed) {
  public WordsConfig {
    source = source == null ? "builtin" : source;
    seed = seed == null ? 1234L : seed;
  }

  public static WordsConfig defaults() { return new WordsConfig(null, null, null, null); }
}
