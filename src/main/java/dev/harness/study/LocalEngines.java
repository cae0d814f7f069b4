package dev.harness.study;

import dev.harness.HarnessException;
import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.engine.Engine;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.hub.HubClient;
import dev.harness.hub.HubException;
import dev.harness.hub.ModelLocator;
import dev.harness.hub.RepoType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens local models and tokenizers from a directory or a Hugging Face id (through the HF cache). */
public final class LocalEngines {
  private LocalEngines() {}

  public static Engine open(EngineConfig e, String configPath) {
    return openLocal(e.model(), e.adapter(), e.quantization(), e.dtype(), e.device(), configPath, "engine.");
  }

  /**
   * Opens a local model from a directory or HF id. {@code where} names the source of the settings for messages (a
   * config file, or "command line"); {@code prefix} the field prefix ("engine." or "--").
   */
  public static LocalEngine openLocal(String model, String adapter, String quantization, String dtype, String device,
      String where, String prefix) {
    if (adapter != null) {
      throw new ConfigException(where, prefix + "adapter", "LoRA adapters are not supported by this version's local engine");
    }
    if (quantization != null && !"none".equals(quantization)) {
      throw new ConfigException(where, prefix + "quantization", "nf4 is not supported by this version's local engine");
    }
    Path dir = modelDir(model, where, prefix + "model");
    try {
      return LocalEngine.open(dir, new LocalOptions(dtype, device, null));
    } catch (dev.harness.engine.local.weights.CheckpointException ex) {
      throw new HarnessException(ex.getMessage(), 1, ex);
    }
  }

  public static Tokenizer tokenizer(String source, String configPath, String field) {
    Path dir = Files.isDirectory(Path.of(source)) ? Path.of(source) : tokenizerDir(source, configPath, field);
    return HfTokenizer.open(dir);
  }

  public static Path modelDir(String idOrPath, String configPath, String field) {
    try {
      return ModelLocator.resolve(idOrPath, HubClient.fromEnv());
    } catch (HubException ex) {
      throw new HarnessException(configPath + ": " + field + " '" + idOrPath + "': " + ex.getMessage(), 1, ex);
    }
  }

  private static Path tokenizerDir(String id, String configPath, String field) {
    String repo = id;
    String revision = "main";
    int at = id.indexOf('@');
    if (at > 0) {
      repo = id.substring(0, at);
      revision = id.substring(at + 1);
    }
    if (!repo.matches("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+")) {
      throw new ConfigException(configPath, field, "expected a directory or a Hugging Face id org/name, got '" + id + "'");
    }
    try {
      HubClient hub = HubClient.fromEnv();
      Path dir = hub.snapshotDir(RepoType.MODEL, repo, revision, List.of("tokenizer.json"));
      hub.optionalFile(RepoType.MODEL, repo, revision, "tokenizer_config.json");
      hub.optionalFile(RepoType.MODEL, repo, revision, "special_tokens_map.json");
      return dir;
    } catch (HubException ex) {
      throw new HarnessException(configPath + ": " + field + " '" + id + "': " + ex.getMessage(), 1, ex);
    }
  }
}
