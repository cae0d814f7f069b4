package dev.harness.engine;

/**
 * What an engine reports about itself in {@link EngineInfo} (recorded in {@code runs.engine_info_json}): descriptive
 * only. Studies ask {@link Engine#as} for the capability interfaces ({@link TokenIds}, {@link BatchScoring}, ...);
 * a needed one is checked at validation against {@link Capabilities#guaranteed}.
 */
public enum Capability {
  COMPLETE,
  TOKEN_LOGPROBS,
  SCORE,
  NEXT_TOKEN,
  FULL_VOCABULARY,
  KV_COMPRESSION,
  TOKENIZER
}
