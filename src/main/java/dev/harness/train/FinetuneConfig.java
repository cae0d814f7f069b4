package dev.harness.train;

/**
 * A finetune config ({@code harness finetune -c FILE}; YAML, snake_case keys, unknown keys are errors). {@code model} is
 * a directory or a Hugging Face id; {@code quantization} none, nf4 or nf4_dq (QLoRA: the frozen base is stored in NF4, nf4_dq with double-quantized
 * scales);
 * {@code dtype} the compute dtype; {@code device} auto, cpu or gpu.
 */
public record FinetuneConfig(
    String model,
    String quantization,
    String dtype,
    String device,
    FinetuneOutput output,
    LoraSettings lora,
    TrainSettings train,
    DataSettings data) {

  public FinetuneConfig {
    quantization = quantization == null ? "none" : quantization;
    dtype = dtype == null ? "float32" : dtype;
    device = device == null ? "cpu" : device;
    output = output == null ? new FinetuneOutput(null, null, null) : output;
    lora = lora == null ? LoraSettings.defaults() : lora;
    train = train == null ? TrainSettings.defaults() : train;
    data = data == null ? new DataSettings(null, null, null) : data;
  }

  public boolean nf4() { return quantization.startsWith("nf4"); }
}
