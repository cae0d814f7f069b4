package dev.harness.config;

/** Where a study writes: {@code <root>/<exp_group_id>/}. */
public record OutputConfig(String expGroupId, String root) {
  public OutputConfig {
    root = root == null ? "runs" : root;
  }
}
