package dev.harness.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every study command takes: the config file, overrides, verbosity. */
public final class StudyOptions {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Study config (YAML).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
      description = "Override a config field (repeatable), e.g. --set kv.budgets=[1.0,0.5] --set engine.concurrency=8.")
  List<String> sets = new ArrayList<>();

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces and debug detail.")
  boolean verbose;
}
