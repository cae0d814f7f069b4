package dev.harness.study.mc;

import dev.harness.config.EngineConfig;
import dev.harness.hub.HubClient;
import dev.harness.hub.RepoType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a variant's model (local engine) or tokenizer (openai engine, {@code engine.tokenizer}) files are on disk: a
 * folder named in the config, or the HF cache snapshot of a hub id (offline lookup, never a download), with the
 * snapshot's commit. Feeds {@link LmEvalMeta#modelInfo}.
 */
record ModelSource(Path dir, String sha, EngineConfig variant) {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  static ModelSource of(EngineConfig v) {
    String name = v.isLocal() ? v.model() : v.tokenizer();
    if (name == null) return new ModelSource(null, null, v);
    Path p = Path.of(name);
    if (Files.isDirectory(p)) {
      Path parent = p.toAbsolutePath().normalize().getParent();
      boolean snapshot = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
          && COMMIT.matcher(p.getFileName().toString()).matches();
      return new ModelSource(p, snapshot ? p.getFileName().toString() : null, v);
    }
    try {
      Optional<Path> snap = HubClient.fromEnv().cachedSnapshot(RepoType.MODEL, name, null);
      if (snap.isPresent()) return new ModelSource(snap.get(), snap.get().getFileName().toString(), v);
    } catch (RuntimeException e) {
      // not a hub id the cache can hold: no files
    }
    return new ModelSource(null, null, v);
  }

  /** The tensors of an unmerged adapter's {@code adapter_model.safetensors}; 0 without one (or merged). */
  long adapterParameters() {
    if (variant.adapter() == null || variant.loraMerge()) return 0;
    Path f = Path.of(variant.adapter()).resolve("adapter_model.safetensors");
    if (!Files.isRegularFile(f)) return 0;
    try {
      return LmEvalMeta.safetensorsParameters(f, false);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** HFLM.get_model_info's {@code peft_sha}: the adapter's HF cache commit when it is a snapshot folder, else "". */
  String peftSha() {
    Path p = Path.of(variant.adapter()).toAbsolutePath().normalize();
    Path parent = p.getParent();
    boolean snapshot = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("snapshots")
        && COMMIT.matcher(p.getFileName().toString()).matches();
    return snapshot ? p.getFileName().toString() : "";
  }

  /**
   * The metadata lm-eval would write. For the openai engine the model fields come from nowhere (lm-eval's API models
   * have no {@code get_model_info}) and {@code max_length} is TemplateAPI's: the configured one (default 2048) − 1.
   */
  LmEvalMeta.ModelInfo info() {
    if (variant.isLocal()) {
      LmEvalMeta.ModelInfo i = LmEvalMeta.modelInfo(dir, sha, variant.dtype(), variant.maxLength(), true);
      // HFLM loads an adapter with PeftModel.from_pretrained (unmerged): num_parameters() then counts the LoRA
      // matrices injected into the model too
      long lora = adapterParameters();
      if (lora > 0 && i.numParameters() >= 0) {
        i = new LmEvalMeta.ModelInfo(i.numParameters() + lora, i.dtype(), i.revision(), i.sha(), i.padToken(),
            i.eosToken(), i.bosToken(), i.eotTokenId(), i.maxLength());
      }
      return i;
    }
    LmEvalMeta.ModelInfo t = LmEvalMeta.modelInfo(dir, sha, variant.dtype(), null, false);
    int maxLength = (variant.maxLength() == null ? LmEvalMeta.DEFAULT_MAX_LENGTH : variant.maxLength()) - 1;
    return new LmEvalMeta.ModelInfo(-1, null, null, null, t.padToken(), t.eosToken(), t.bosToken(), t.eotTokenId(), maxLength);
  }
}
