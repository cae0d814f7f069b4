package dev.harness.study;

import dev.harness.config.EngineConfig;
import java.util.List;

/**
 * The part of a unit's identity that is the engine: what it loads and where it is reached. Kind, model id or path
 * plus its checkpoint fingerprint ({@link ContentHash#checkpoint}), adapter path plus the hash of its config and
 * weights ({@link ContentHash#full}), quantization, dtype, merge mode, endpoint (chat / completions), base URL(s),
 * tokenizer and maximum length. Transport settings (concurrency, timeouts, retries, rate limit, streaming, device)
 * are not in it: they decide how a unit is fetched, not what it says. The variant name is in the unit key itself.
 */
public record EngineIdentity(String kind, String model, String modelContent, String adapter, String adapterContent,
    String quantization, String dtype, boolean loraMerge, String endpoint, String baseUrl, List<String> baseUrls,
    String tokenizer, Integer maxLength) {

  public static EngineIdentity of(EngineConfig e) {
    boolean local = e.isLocal();
    return new EngineIdentity(e.kind(), e.model(), local ? ContentHash.checkpoint(e.model()) : null, e.adapter(),
        local ? ContentHash.full(e.adapter()) : null, e.quantization(), e.dtype(), e.loraMerge(), e.endpoint(),
        local ? null : e.baseUrl(), local ? List.of() : e.baseUrls(), e.tokenizer(), e.maxLength());
  }
}
