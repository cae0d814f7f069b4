package dev.harness.cli;

import dev.harness.HarnessException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness finetune -c FILE}: LoRA / QLoRA training that writes a PEFT adapter. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = "Train a LoRA adapter (objectives sft, tvd, kl; optionally on an NF4 base) and write it in PEFT format.")
public final class FinetuneCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "finetune config (YAML)")
  Path config;

  @Override
  public Integer call() {
    throw new HarnessException("finetune is not built yet", 1, null);
  }
}
