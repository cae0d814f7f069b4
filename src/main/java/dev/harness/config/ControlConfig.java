package dev.harness.config;

/** The {@code control:} section — output_control study: prompt format, scorer, top logprobs. */
public record ControlConfig() {
  public static ControlConfig defaults() { return new ControlConfig(); }
}
