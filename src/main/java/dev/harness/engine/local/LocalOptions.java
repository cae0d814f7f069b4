package dev.harness.engine.local;

import dev.harness.engine.local.quant.Quantization;

/**
 * How to open a local model: {@code dtype} "float32" or "float16" ("auto" is resolved here, against the device, by
 * {@link ComputeType#resolve}: float16 on CUDA, float32 on the CPU; null is float32); {@code device} "auto" (GPU when DJL finds one),
 * "cpu" or "gpu"; {@code maxLength} the context window in tokens (null: config.json's max_position_embeddings /
 * n_positions). Prompts longer than the window are cut from the left. {@code quantization} "none", "nf4" or
 * "nf4_dq" (NF4 with double-quantized absmax) for every linear layer except embeddings and lm_head.
 */
public record LocalOptions(String dtype, String device, Integer maxLength, String quantization) {

  public LocalOptions {
    dtype = dtype == null ? "float32" : dtype;
    device = device == null ? "auto" : device;
    quantization = quantization == null ? "none" : quantization;
    if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
      throw new IllegalArgumentException("device must be auto, cpu or gpu, got " + device);
    }
    try {
      if (ComputeType.AUTO.equals(dtype)) dtype = ComputeType.auto(DeviceChoice.cuda(device)).key();
      ComputeType.parse(dtype);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dtype: " + e.getMessage(), e);
    }
    if (maxLength != null && maxLength < 2) throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
    Quantization.parse(quantization);
  }

  public LocalOptions(String dtype, String device, Integer maxLength) { this(dtype, device, maxLength, null); }

  public Quantization quant() { return Quantization.parse(quantization); }

  public ComputeType computeType() { return ComputeType.parse(dtype); }

  public LocalOptions withQuantization(String q) { return new LocalOptions(dtype, device, maxLength, q); }

  public static LocalOptions defaults() { return new LocalOptions("float32", "auto", null); }

  public static LocalOptions cpu() { return new LocalOptions("float32", "cpu", null); }
}
