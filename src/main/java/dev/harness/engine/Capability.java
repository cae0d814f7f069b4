package dev.harness.engine;

/** What an engine can do; a study checks these at prepare. */
public enum Capability {
  COMPLETE,
  TOKEN_LOGPROBS,
  SCORE,
  NEXT_TOKEN,
  FULL_VOCABULARY,
  KV_COMPRESSION,
  TOKENIZER
}
