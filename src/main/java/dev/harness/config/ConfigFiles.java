package dev.harness.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The checks of a config that look at the file system: every local file or folder it names exists and is of the
 * right kind. Run by the study commands after {@link ConfigLoader#load} and before the store or any output folder is
 * created, so a config that exits 2 leaves nothing behind. Kept apart from {@link ConfigValidator} so a config can be
 * loaded and checked for meaning where its files are not (the example configs name adapters that {@code harness
 * finetune} writes). Relative paths resolve against the working directory, as the studies read them. Sources that
 * start with {@code hf://} are read from the Hub and are not checked here. Adapters are checked only when the command
 * opens engines (any phase after {@code prepare}): the output_control loop runs {@code prepare} (which writes the
 * training split), then {@code harness finetune} (which writes the adapter), then the rest.
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  public static void check(ExperimentConfig c, String file) { check(c, file, true); }

  /** As {@link #check(ExperimentConfig, String)}; {@code opensEngines} false (prepare alone) skips the adapters. */
  public static void check(ExperimentConfig c, String file, boolean opensEngines) {
    StudyKind kind = StudyKind.of(c);
    List<EngineConfig> engines = kind == StudyKind.KV_TRANSITION ? List.of(c.engine()) : c.variants();
    for (int i = 0; i < engines.size(); i++) {
      String path = kind == StudyKind.KV_TRANSITION ? "engine" : c.variantPath(i);
      EngineConfig e = engines.get(i);
      if (e.isLocal()) {
        localModel(e.model(), path + ".model", file);
        if (e.adapter() != null && opensEngines) adapter(e.adapter(), path + ".adapter", file);
      }
      if (e.tokenizer() != null) localModel(e.tokenizer(), path + ".tokenizer", file);
    }
    for (Map.Entry<String, String> d : c.section().dataFiles().entrySet()) dataFile(d.getValue(), d.getKey(), file);
  }

  /** A data file: {@code hf://…} (read from the Hub), or a local file that exists. */
  static void dataFile(String source, String field, String file) {
    if (source == null || source.startsWith("hf://")) return;
    Path p = Path.of(source);
    if (!Files.exists(p)) throw new ConfigException(file, field, "file not found: " + p.toAbsolutePath().normalize());
    if (Files.isDirectory(p)) {
      throw new ConfigException(file, field, "expected a file, got the directory " + p.toAbsolutePath().normalize());
    }
  }

  /**
   * A model (or tokenizer) is a local directory or a Hugging Face id {@code org/name[@revision]}. A name written as a
   * path (absolute, {@code ./} or {@code ../}, or with more than one {@code /}) must be an existing directory; other
   * names are Hub ids, resolved (and reported) by the Hub client when the engine opens.
   */
  static void localModel(String model, String field, String file) {
    if (model == null) return;
    Path p = Path.of(model);
    if (Files.isDirectory(p)) return;
    if (Files.exists(p)) throw new ConfigException(file, field, "expected a model directory, got the file " + p.toAbsolutePath().normalize());
    String id = model.contains("@") ? model.substring(0, model.indexOf('@')) : model;
    boolean pathLike = model.startsWith("/") || model.startsWith("./") || model.startsWith("../") || model.startsWith("~")
        || id.chars().filter(ch -> ch == '/').count() > 1 || id.endsWith("/");
    if (pathLike) {
      throw new ConfigException(file, field, "directory not found: " + p.toAbsolutePath().normalize()
          + " (expected a model directory or a Hugging Face id org/name)");
    }
  }

  /** A PEFT adapter folder: a directory holding {@code adapter_config.json}. */
  static void adapter(String adapter, String field, String file) {
    Path d = Path.of(adapter);
    if (!Files.isDirectory(d)) {
      throw new ConfigException(file, field, "'" + adapter + "' is not a directory (expected a PEFT adapter folder)");
    }
    if (!Files.isRegularFile(d.resolve("adapter_config.json"))) {
      throw new ConfigException(file, field, "'" + adapter + "' has no adapter_config.json (not a PEFT adapter folder)");
    }
  }
}
