package dev.harness.engine.local.model;

import dev.harness.engine.local.weights.CheckpointException;
import java.nio.file.Path;

/** The Hugging Face model classes the local engine runs. */
public enum Architecture {
  LLAMA("LlamaForCausalLM"),
  QWEN2("Qwen2ForCausalLM"),
  QWEN3("Qwen3ForCausalLM"),
  GPT2("GPT2LMHeadModel");

  private final String hfName;

  Architecture(String hfName) { this.hfName = hfName; }

  public String hfName() { return hfName; }

  public static Architecture of(String hfName, Path configFile) {
    for (Architecture a : values()) {
      if (a.hfName.equals(hfName)) return a;
    }
    StringBuilder known = new StringBuilder();
    for (Architecture a : values()) known.append(known.length() == 0 ? "" : ", ").append(a.hfName);
    throw CheckpointException.of(configFile, "unsupported architecture " + hfName + " (supported: " + known + ")");
  }
}
