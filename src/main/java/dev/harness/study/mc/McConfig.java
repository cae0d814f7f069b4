package dev.harness.study.mc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code mc:} section — mc_eval study. {@code sources}: data per task (a local file in the layouts of
 * docs/mc-eval.md, or {@code hf://org/name[@revision][/path/in/repo.jsonl]}); tasks without an entry read the Hub
 * default. {@code batch_size}: (context, continuation) requests per forward pass (choices of one document stay
 * together). {@code subset}: {@code first} (lm-eval's {@code --limit}: the first N documents) or {@code random} (a
 * seeded random N, kept in file order). {@code shared_prefix} (local engine): each document's context is computed once
 * and its choices scored on top of the cached prefix; false: left-padded batches of {@code batch_size} requests. {@code baseline}: the variant every other variant is compared against
 * (default: the first variant without an adapter).
 */
public record McConfig(Map<String, String> sources, Integer batchSize, Boolean sharedPrefix, String subset, Long subsetSeed,
    String baseline) {
  public McConfig {
    sources = sources == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    batchSize = batchSize == null ? 8 : batchSize;
    sharedPrefix = sharedPrefix == null || sharedPrefix;
    subset = subset == null ? "first" : subset;
    subsetSeed = subsetSeed == null ? 1234L : subsetSeed;
  }

  public static McConfig defaults() { return new McConfig(null, null, null, null, null, null); }
}
