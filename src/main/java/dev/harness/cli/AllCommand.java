package dev.harness.cli;

import dev.harness.study.Phase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code all}: the five phases in order, skipping those done with unchanged inputs; {@code --force PHASE} redoes one. */
@Command(name = Phase.Ids.ALL, mixinStandardHelpOptions = true,
    description = "prepare, run, score, analyze and report, skipping phases whose outputs exist and inputs are unchanged.")
final class AllCommand implements Callable<Integer> {
  @Mixin StudyOptions options;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--force", paramLabel = "PHASE", split = ",",
      description = "Redo this phase even if done (repeatable): prepare, run, score, analyze, report.")
  List<String> force = new ArrayList<>();

  @Override
  public Integer call() {
    Set<Phase> forced = EnumSet.noneOf(Phase.class);
    for (String f : force) {
      try {
        forced.add(Phase.parse(f));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--force: " + e.getMessage());
      }
    }
    return StudyLauncher.launch(options, Arrays.asList(Phase.values()), true, forced, spec.commandLine());
  }
}
