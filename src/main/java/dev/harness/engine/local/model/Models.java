package dev.harness.engine.local.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.quant.Quantization;
import dev.harness.engine.local.weights.Checkpoint;
import java.nio.file.Path;

/** Loads a model directory (config.json + safetensors) into the forward pass of its architecture. */
public final class Models {
  private Models() {}

  /** Weights live in a new sub-manager of {@code parent}, released by {@link CausalLM#close()}. */
  public static CausalLM load(Path dir, ModelConfig cfg, NDManager parent, DataType type) {
    return load(dir, cfg, parent, type, Quantization.NONE);
  }

  /** As {@link #load(Path, ModelConfig, NDManager, DataType)}, with every projection stored as {@code quant} asks. */
  public static CausalLM load(Path dir, ModelConfig cfg, NDManager parent, DataType type, Quantization quant) {
    if (type != DataType.FLOAT32 && type != DataType.FLOAT16) throw new IllegalArgumentException("dtype must be float32 or float16, got " + type);
    NDManager weights = parent.newSubManager();
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      return switch (cfg.architecture()) {
        case LLAMA, QWEN2, QWEN3 -> LlamaModel.load(cfg, ckpt, weights, type, quant);
        case GPT2 -> Gpt2Model.load(cfg, ckpt, weights, type, quant);
      };
    } catch (RuntimeException e) {
      weights.close();
      throw e;
    }
  }

  public static CausalLM load(Path dir, NDManager parent, DataType type) {
    return load(dir, ModelConfig.load(dir), parent, type);
  }
}
