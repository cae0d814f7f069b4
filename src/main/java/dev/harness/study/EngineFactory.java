package dev.harness.study;

import dev.harness.config.EngineConfig;
import dev.harness.engine.Engine;
import dev.harness.engine.Tokenizer;
import dev.harness.study.kv.KvConfig;
import java.util.Optional;

/** Opens engines (and, for prompt lengths, tokenizers) from config. */
public interface EngineFactory {
  Engine open(EngineConfig engine, KvConfig kv, String configPath);

  /** The tokenizer used to measure prompts: the local engine's, or {@code engine.tokenizer}; empty = fallback length. */
  Optional<Tokenizer> tokenizer(EngineConfig engine, String configPath);
}
