package dev.harness.train;

import java.nio.file.Path;

/** Where the adapter goes: {@code dir}, or {@code <root>/<exp_group_id>} (root defaults to {@code runs/adapters}). */
public record FinetuneOutput(String dir, String root, String expGroupId) {
  public FinetuneOutput {
    root = root == null ? "runs/adapters" : root;
  }

  /** The output directory; null when neither dir nor exp_group_id is set (a validation error). */
  public Path resolve() {
    if (dir != null) return Path.of(dir);
    return expGroupId == null ? null : Path.of(root).resolve(expGroupId);
  }
}
