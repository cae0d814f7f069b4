package dev.harness.study;

import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.store.Store;
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
    boolean verbose) {

  public void log(String message) {
    err.println(message);
    err.flush();
  }
}
