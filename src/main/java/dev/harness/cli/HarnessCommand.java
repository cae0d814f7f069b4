package dev.harness.cli;

import picocli.CommandLine.Command;

/** The top command: {@code harness <subcommand>}. */
@Command(
    name = "harness",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Reproducible LLM evaluation studies, end to end, with every number in one SQLite file.",
    subcommands = {
        PhaseCommands.Prepare.class, PhaseCommands.Run.class, PhaseCommands.Score.class,
        PhaseCommands.Analyze.class, PhaseCommands.Report.class, AllCommand.class,
        GenerateCommand.class, LogprobsCommand.class, ServeCommand.class, ServeBenchCommand.class, KlCommand.class, BenchCommand.class,
        FinetuneCommand.class, StatusCommand.class,
        picocli.CommandLine.HelpCommand.class
    })
public final class HarnessCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
