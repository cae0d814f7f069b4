package dev.harness.train;

import java.util.List;

/**
 * LoRA hyper-parameters. {@code target_modules}: module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj,
 * down_proj) matched as PEFT does (a module path equal to the name or ending in "." + name). Scaling alpha / r, or
 * alpha / √r with {@code use_rslora}.
 */
public record LoraSettings(Integer r, Double alpha, Double dropout, List<String> targetModules, Boolean useRslora) {
  public LoraSettings {
    r = r == null ? 8 : r;
    alpha = alpha == null ? 16.0 : alpha;
    dropout = dropout == null ? 0.0 : dropout;
    targetModules = targetModules == null ? List.of("q_proj", "v_proj") : List.copyOf(targetModules);
    useRslora = useRslora != null && useRslora;
  }

  public static LoraSettings defaults() { return new LoraSettings(null, null, null, null, null); }

  public double scaling() { return useRslora ? alpha / Math.sqrt(r) : alpha / r; }
}
