package dev.harness.study;

import dev.harness.HarnessException;
import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
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

  public static LocalEngine open(EngineConfig e, String configPath) {
    return openLocal(e.model(), e.adapter(), e.quantization(), e.dtype(), e.device(), e.loraMerge(), configPath, "engine.");
  }

  /** As {@link #openLocal(String, String, String, String, String, boolean, String, String)}, adapters unmerged. */
  public static LocalEngine openLocal(String model, String adapter, String quantization, String dtype, String device,
      String where, String prefix) {
    return openLocal(model, adapter, quantization, dtype, device, false, where, prefix);
  }

  /**
   * Opens a local model from a directory or HF id, with a PEFT adapter directory ({@code adapter}, null for none;
   * relative paths resolve against the working directory) applied unmerged, or merged into the weights when
   * {@code merge}; {@code quantization} none, nf4 or nf4_dq. {@code where} names the source of the settings for
   * messages (a config file, or "command line"); {@code prefix} the field prefix ("engine." or "--").
   */
  public static LocalEngine openLocal(String model, String adapter, String quantization, String dtype, String device,
      boolean merge, String where, String prefix) {
    LocalOptions opts = options(quantization, dtype, device, where, prefix);
    Path adapterDir = adapter == null ? null : adapterDir(adapter, where, prefix + "adapter");
    if (merge && opts.quant().nf4()) {
      throw new ConfigException(where, prefix.equals("--") ? "--lora-merge" : prefix + "lora_merge", "cannot merge an adapter into NF4 weights; keep it unmerged");
    }
    Path dir = modelDir(model, where, prefix + "model");
    try {
      LocalEngine base = LocalEngine.open(dir, opts);
      if (adapterDir == null) return base;
      try {
        if (merge) {
          base.mergeAdapter(adapterDir);
          return base;
        }
        LocalEngine view = base.withAdapter(base.addAdapter(adapterName(adapterDir), adapterDir));
        base.close();
        return view;
      } catch (RuntimeException ex) {
        base.close();
        throw ex;
      }
    } catch (dev.harness.engine.local.weights.CheckpointException ex) {
      throw HarnessException.failure(ex.getMessage(), ex);
    }
  }

  /** The name an adapter directory is known by on its base: the directory's name. */
  public static String adapterName(Path adapterDir) {
    Path n = adapterDir.toAbsolutePath().normalize().getFileName();
    return n == null ? adapterDir.toString() : n.toString();
  }

  static LocalOptions options(String quantization, String dtype, String device, String where, String prefix) {
    try {
      dev.harness.engine.local.quant.Quantization.parse(quantization);
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(where, prefix + "quantization", "expected none, nf4 or nf4_dq, got '" + quantization + "'");
    }
    LocalOptions opts = new LocalOptions(dtype, device, null, quantization);
    try {
      dev.harness.engine.local.DeviceChoice.resolve(opts.device()); // gpu without one: exit 2 before the model is read
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(where, prefix + "device", ex.getMessage());
    }
    return opts;
  }

  /** A PEFT adapter directory (it must hold adapter_config.json); relative paths resolve against the working dir. */
  public static Path adapterDir(String adapter, String where, String field) {
    Path d = Path.of(adapter);
    if (!Files.isDirectory(d)) throw new ConfigException(where, field, "'" + adapter + "' is not a directory (a PEFT adapter folder)");
    if (!Files.isRegularFile(d.resolve("adapter_config.json"))) {
      throw new ConfigException(where, field, "'" + adapter + "' has no adapter_config.json (not a PEFT adapter folder)");
    }
    return d.toAbsolutePath().normalize();
  }

  public static Tokenizer tokenizer(String source, String configPath, String field) {
    Path dir = Files.isDirectory(Path.of(source)) ? Path.of(source) : tokenizerDir(source, configPath, field);
    return HfTokenizer.open(dir);
  }

  public static Path modelDir(String idOrPath, String configPath, String field) {
    try {
      return ModelLocator.resolve(idOrPath, HubClient.fromEnv());
    } catch (HubException ex) {
      throw HarnessException.failure(configPath + ": " + field + " '" + idOrPath + "': " + ex.getMessage(), ex);
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
      throw HarnessException.failure(configPath + ": " + field + " '" + id + "': " + ex.getMessage(), ex);
    }
  }
}
