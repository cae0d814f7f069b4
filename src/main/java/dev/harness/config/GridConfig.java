package dev.harness.config;

/** The {@code grid:} section — output_control study: the item grid (cases, p, r, pairs, seeds, variants). */
public record GridConfig() {
  public static GridConfig defaults() { return new GridConfig(); }
}
