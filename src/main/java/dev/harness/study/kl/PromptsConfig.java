package dev.harness.study.kl;

/**
 * The {@code prompts:} section — kl study: where the prompts come from.
 *
 * @param source a local {@code .jsonl} / {@code .json} (array) / {@code .csv} file, or {@code hf://org/name[@rev]}
 *     (a dataset repo; {@code hf://org/name[@rev]/path/file.jsonl} names a file in it)
 * @param field the record field holding the prompt: a string, or a list of chat messages whose first {@code user}
 *     turn is taken (WildChat's {@code conversation}); default {@code prompt}
 * @param idField optional record field holding a stable id; without it the id is {@code h} + 16 hex of the text's
 *     SHA-256 (the same text always gets the same id)
 * @param limit read only the first {@code limit} records (null = all)
 * @param n a seeded sample (without replacement) of {@code n} of the records read (null = all, in source order)
 * @param seed seed of that sample
 */
public record PromptsConfig(String source, String field, String idField, Integer limit, Integer n, Long seed) {
  public PromptsConfig {
    field = field == null ? "prompt" : field;
    seed = seed == null ? 0L : seed;
  }

  public static PromptsConfig defaults() { return new PromptsConfig(null, null, null, null, null, null); }
}
