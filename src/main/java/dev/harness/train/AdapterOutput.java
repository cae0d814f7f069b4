package dev.harness.train;

import dev.harness.HarnessException;
import dev.harness.engine.local.lora.LoraConfig;
import dev.harness.engine.local.lora.LoraPair;
import dev.harness.engine.local.lora.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the trained LoRA as a PEFT adapter directory through {@link PeftAdapter#save}: {@code adapter_config.json}
 * (base_model_name_or_path, r, lora_alpha, lora_dropout, target_modules, use_rslora, peft_type LORA, task_type
 * CAUSAL_LM) and {@code adapter_model.safetensors} (float32, keys {@code base_model.model.<module>.lora_A.weight}
 * [r, in] and {@code .lora_B.weight} [out, r]).
 */
public final class AdapterOutput {
  private AdapterOutput() {}

  public static LoraConfig config(LoraSettings l, String baseModel) {
    return LoraConfig.of(l.r(), l.alpha(), l.dropout(), l.targetModules(), false, l.useRslora(), baseModel);
  }

  public static void write(Path dir, TrainableLlama model, LoraSettings l, String baseModel) {
    Map<String, LoraPair> pairs = new LinkedHashMap<>();
    for (LoraModule m : model.lora()) pairs.put(m.path(), new LoraPair(m.a.clone(), m.r(), m.in(), m.b.clone(), m.out()));
    try {
      PeftAdapter.save(dir, config(l, baseModel), pairs);
    } catch (IOException e) {
      throw new HarnessException(dir + ": cannot write the adapter (" + e.getMessage() + ")", 1, e);
    }
  }
}
