package dev.harness.cli;

import dev.harness.study.Phase;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code prepare}, {@code run}, {@code score}, {@code analyze}, {@code report}: one phase each, always executed. */
final class PhaseCommands {
  private PhaseCommands() {}

  abstract static class One implements Callable<Integer> {
    @Mixin StudyOptions options;
    @Spec CommandSpec spec;

    abstract Phase phase();

    @Override
    public Integer call() {
      return StudyLauncher.launch(options, List.of(phase()), false, Set.of(), spec.commandLine());
    }
  }

  @Command(name = Phase.Ids.PREPARE, mixinStandardHelpOptions = true,
      description = "Materialise the study's items (dataset rows, bins, manifest) into the store.")
  static final class Prepare extends One {
    Phase phase() { return Phase.PREPARE; }
  }

  @Command(name = Phase.Ids.RUN, mixinStandardHelpOptions = true,
      description = "Send every unit to the engine; resumable (stored units are skipped, failed ones retried).")
  static final class Run extends One {
    Phase phase() { return Phase.RUN; }
  }

  @Command(name = Phase.Ids.SCORE, mixinStandardHelpOptions = true, description = "Per-response metrics and the failure taxonomy.")
  static final class Score extends One {
    Phase phase() { return Phase.SCORE; }
  }

  @Command(name = Phase.Ids.ANALYZE, mixinStandardHelpOptions = true,
      description = "Aggregates with confidence intervals, transition detection, plots.")
  static final class Analyze extends One {
    Phase phase() { return Phase.ANALYZE; }
  }

  @Command(name = Phase.Ids.REPORT, mixinStandardHelpOptions = true, description = "report.md from the store alone.")
  static final class Report extends One {
    Phase phase() { return Phase.REPORT; }
  }
}
