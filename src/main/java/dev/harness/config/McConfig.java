package dev.harness.config;

/** The {@code mc:} section — mc_eval study: data sources per task, batching. */
public record McConfig() {
  public static McConfig defaults() { return new McConfig(); }
}
