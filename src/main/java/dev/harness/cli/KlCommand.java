package dev.harness.cli;

import dev.harness.HarnessException;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.study.kl.Alignment;
import dev.harness.study.kl.DumpComparison;
import dev.harness.study.kl.KlComparison;
import dev.harness.study.kl.KlOutputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code harness kl --a A.jsonl --b B.jsonl}: ad-hoc divergence ranking of two response dumps. Exit 0 when at least
 * one prompt was compared (input problems are printed as warnings with counts and written to the report); 1 when
 * none could be; 2 for bad usage (unknown estimator, missing file, mc without teacher-forced scores, tokenizers that
 * evidently differ).
 */
@Command(
    name = "kl",
    mixinStandardHelpOptions = true,
    description = "Rank the prompts of two response dumps (JSONL: prompt_id, prompt, model, sample_index, response)"
        + " by divergence; writes kl_ranking.csv and kl_report.md.")
public final class KlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--a", required = true, paramLabel = "A.jsonl", description = "dump of model A")
  Path a;

  @Option(names = "--b", required = true, paramLabel = "B.jsonl", description = "dump of model B")
  Path b;

  @Option(names = "--estimator", defaultValue = "auto", paramLabel = "E",
      description = "auto (default: mc when the dumps carry teacher-forced \"cross\" scores, else topk_rest), topk_rest (lower bound from the shared top-k + rest bucket), topk_lookup (the seed's"
          + " biased method), mc (needs teacher-forced scores: a \"cross\" field per line)")
  String estimator;

  @Option(names = "--top", defaultValue = "10", paramLabel = "N", description = "prompts shown (default ${DEFAULT-VALUE})")
  int top;

  @Option(names = "--out", defaultValue = "kl_out", paramLabel = "DIR", description = "output folder (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "bootstrap seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--min-coverage", defaultValue = "0.5", paramLabel = "X",
      description = "covered mass below which a prompt is flagged LOW_COVERAGE (default ${DEFAULT-VALUE})")
  double minCoverage;

  @Option(names = "--bootstrap-iters", defaultValue = "10000", paramLabel = "N",
      description = "bootstrap resamples per prompt (default ${DEFAULT-VALUE})")
  int bootstrapIters;

  @Option(names = "--align", defaultValue = "matched", paramLabel = "MODE",
      description = "without teacher-forced scores: matched (compare positions while the prefixes agree; default)"
          + " or positional (every position, the seed's alignment)")
  String align;

  @Option(names = "--same-tokenizer", description = "skip the check that the two dumps share a tokenizer")
  boolean sameTokenizer;

  @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
  boolean verbose;

  @Override
  public Integer call() {
    boolean auto = "auto".equalsIgnoreCase(estimator.strip());
    Estimator est = auto ? null : Estimator.parse(estimator);
    if (est == null && !auto) {
      throw HarnessException.usage("--estimator " + estimator + ": unknown; expected one of " + Estimator.names());
    }
    if (top < 0) throw HarnessException.usage("--top " + top + ": expected a count >= 0");
    if (!(minCoverage >= 0 && minCoverage <= 1)) {
      throw HarnessException.usage("--min-coverage " + minCoverage + ": expected a number in [0, 1]");
    }
    if (bootstrapIters < 0) throw HarnessException.usage("--bootstrap-iters " + bootstrapIters + ": expected >= 0");
    Alignment alignment;
    try {
      alignment = Alignment.valueOf(align.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HarnessException.usage("--align " + align + ": expected matched or positional");
    }
    KlOptions opt = new KlOptions(minCoverage, bootstrapIters, 0.95, seed);
    DumpComparison run = KlComparison.run(a, b, new KlComparison.Settings(est, alignment, opt, sameTokenizer));
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    for (String line : run.issues().lines()) stderr.println("warning: " + line);
    stderr.flush();
    if (run.compared() == 0) {
      throw HarnessException.failure("no prompt could be compared between " + a + " and " + b + " ("
          + run.ranked().size() + " prompt ids in both; see the warnings above)");
    }
    if (auto) {
      stdout.println("estimator: " + run.estimator().id() + " (auto: " + (run.teacherForced()
          ? "the dumps carry teacher-forced cross scores" : "no cross scores; top-k lower bound") + ")");
    }
    List<Path> files = KlOutputs.write(run, out, top);
    KlOutputs.printTop(run, top, stdout);
    stdout.println("wrote " + files.get(0) + " and " + files.get(1));
    stdout.flush();
    return ExitCodes.OK;
  }
}
