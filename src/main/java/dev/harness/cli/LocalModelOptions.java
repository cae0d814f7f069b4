package dev.harness.cli;

import dev.harness.engine.local.LocalEngine;
import dev.harness.study.LocalEngines;
import picocli.CommandLine.Option;

/** How the local-engine tools (generate, logprobs, serve) pick a model. */
public final class LocalModelOptions {
  @Option(names = "--model", required = true, paramLabel = "M",
      description = "Model directory or Hugging Face id (resolved through $HF_HOME; downloads unless HF_HUB_OFFLINE=1).")
  String model;

  @Option(names = "--adapter", paramLabel = "DIR",
      description = "PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors), applied unmerged.")
  String adapter;

  @Option(names = "--lora-merge", description = "Fold the --adapter into the weights at load (W + scaling·B·A) instead.")
  boolean loraMerge;

  @Option(names = "--quantization", paramLabel = "Q", defaultValue = "none",
      description = "none, nf4 (4-bit NormalFloat linear layers) or nf4_dq (NF4 with double-quantized absmax).")
  String quantization;

  @Option(names = "--dtype", defaultValue = "auto", description = "auto (float16 on a CUDA GPU, float32 on the CPU), float32 or float16 (bfloat16 is refused: DJL aborts on it; BF16 checkpoints load as float16).")
  String dtype;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu.")
  String device;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces.")
  boolean verbose;

  LocalEngine open() {
    try {
      dev.harness.engine.local.ComputeType.checkSetting(dtype);
    } catch (IllegalArgumentException e) {
      throw dev.harness.HarnessException.usage("--dtype: " + e.getMessage());
    }
    if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
      throw dev.harness.HarnessException.usage("--device: expected auto, cpu or gpu, got '" + device + "'");
    }
    if (loraMerge && adapter == null) throw dev.harness.HarnessException.usage("--lora-merge: needs --adapter");
    return LocalEngines.openLocal(model, adapter, quantization, dtype, device, loraMerge, "command line", "--");
  }
}
