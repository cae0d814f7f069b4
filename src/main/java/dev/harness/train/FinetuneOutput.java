package dev.harness.train;

import java.nio.file.Path;

/**
 * Where the adapter goes: {@code dir}, or {@code <root>/adapters/<exp_group_id>}. {@code root} is the output root of
 * every study ({@code runs} by default), the value {@code ${output.root}} stands for in the config.
 */
public record FinetuneOutput(String dir, String root, String expGroupId) {
  public FinetuneOutput {
    root = root == null ? "runs" : root;
  }

  /** The output directory; null when neither dir nor exp_group_id is set (a validation error). */
  public Path resolve() {
    if (dir != null) return Path.of(dir);
    return expGroupId == null ? null : Path.of(root).resolve("adapters").resolve(expGroupId);
  }
}
