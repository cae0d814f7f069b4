package dev.harness.config;

/** The {@code prompts:} section — kl study: where the prompts come from. */
public record PromptsConfig() {
  public static PromptsConfig defaults() { return new PromptsConfig(); }
}
