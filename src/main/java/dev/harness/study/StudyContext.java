package dev.harness.study;

import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.store.Store;
import dev.harness.study.kv.KvConfig;
import dev.harness.study.kv.KvStudyConfig;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * What a phase works with: the config (and its file name for messages), the run folder and its store, the data folder
 * for portable manifests, the engines, and the terminal.
 */
public record StudyContext(
    ExperimentConfig config,
    String configPath,
    Path runDir,
    Path dataDir,
    Store store,
    EngineFactory engines,
    Env env,
    PrintWriter out,
    PrintWriter err,
    boolean verbose,
    java.util.Set<Phase> force) {

  public StudyContext {
    force = force == null ? java.util.Set.of() : java.util.Set.copyOf(force);
  }

  /** Without forced phases. */
  public StudyContext(ExperimentConfig config, String configPath, Path runDir, Path dataDir, Store store,
      EngineFactory engines, Env env, PrintWriter out, PrintWriter err, boolean verbose) {
    this(config, configPath, runDir, dataDir, store, engines, env, out, err, verbose, java.util.Set.of());
  }

  /**
   * Whether {@code --force} named this phase: for {@code run}, every unit of the current configuration is sent again
   * (its stored rows, of the same identity, are replaced); without it, stored units are skipped.
   */
  public boolean forced(Phase phase) { return force.contains(phase); }

  /**
   * Opens the engine of one variant of {@code engines:} (or the single {@code engine}); a config error the engine
   * reports about {@code engine.*} is re-addressed to the variant's own path ({@code engines[i].adapter}, ...).
   */
  public dev.harness.engine.Engine openVariant(dev.harness.config.EngineConfig v) {
    ExperimentConfig c = config;
    try {
      // only the kv study routes budgets to servers; the others open their variants with kv's defaults
      KvConfig kv = c.section() instanceof KvStudyConfig k ? k.kv() : KvConfig.defaults();
      return engines.open(v, kv, configPath);
    } catch (dev.harness.config.ConfigException e) {
      String path = e.fieldPath();
      int index = c.engines().indexOf(v);
      if (path == null || !path.startsWith("engine") || index < 0) throw e;
      String prefix = (e.file() == null ? "" : e.file() + ": ") + path + ": ";
      String msg = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
      throw new dev.harness.config.ConfigException(e.file(), c.variantPath(index) + path.substring("engine".length()), msg);
    }
  }

  /** Whether every named file (relative to the run folder) exists: a phase's outputs-exist check. */
  public boolean hasRunFiles(java.util.Collection<String> names) {
    return names.stream().allMatch(n -> java.nio.file.Files.isRegularFile(runDir.resolve(n)));
  }

  /** {@link #hasRunFiles(java.util.Collection)} for names given one by one. */
  public boolean hasRunFiles(String... names) { return hasRunFiles(java.util.List.of(names)); }

  public void log(String message) {
    err.println(message);
    err.flush();
  }
}
