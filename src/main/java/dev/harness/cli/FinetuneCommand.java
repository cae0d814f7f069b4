package dev.harness.cli;

import dev.harness.train.Finetune;
import dev.harness.train.FinetuneConfig;
import dev.harness.train.FinetuneConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harness finetune -c FILE}: LoRA / QLoRA training that writes a PEFT adapter. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = "Train a LoRA adapter (objectives sft, tvd, kl; optionally on an NF4 base) and write it in PEFT format.")
public final class FinetuneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "finetune config (YAML)")
  Path config;

  @Option(names = "--stop-after-steps", paramLabel = "N",
      description = "Stop after N completed optimizer steps, as an interruption would (checkpoints stay; resume with train.resume: true).")
  Integer stopAfter;

  @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
      description = "Override a config field (repeatable), e.g. --set train.max_steps=2 --set output.root=/tmp/x.")
  java.util.List<String> sets = new java.util.ArrayList<>();

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces.") boolean verbose;

  @Override
  public Integer call() {
    if (stopAfter != null && stopAfter < 1) throw dev.harness.HarnessException.usage("--stop-after-steps: expected an integer >= 1, got " + stopAfter);
    FinetuneConfig cfg = FinetuneConfigLoader.load(config, sets);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    new Finetune(cfg, config.toString(), out, err).run(stopAfter);
    out.flush();
    return ExitCodes.OK;
  }
}
