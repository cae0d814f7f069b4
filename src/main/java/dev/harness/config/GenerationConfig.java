package dev.harness.config;

/** Decoding settings. {@code max_prompt_tokens}: prompts longer than this are truncated in the middle (null = model's limit). */
public record GenerationConfig(Integer maxTokens, Double temperature, Double topP, Long seed, Integer maxPromptTokens) {
  public GenerationConfig {
    maxTokens = maxTokens == null ? 128 : maxTokens;
    temperature = temperature == null ? 0.0 : temperature;
    topP = topP == null ? 1.0 : topP;
    seed = seed == null ? 0L : seed;
  }
}
