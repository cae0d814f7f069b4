package dev.harness.cli;

import dev.harness.config.ConfigLoader;
import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.store.Store;
import dev.harness.study.DefaultEngineFactory;
import dev.harness.study.PhaseStatus;
import dev.harness.study.RunProvenance;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import dev.harness.study.StudyRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code status}: per phase done / stale and why, and the current configuration's units, from the store alone. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Per phase: done or stale and why; units done, failed by type, missing. Reads the store only.")
final class StatusCommand implements Callable<Integer> {
  @Mixin StudyOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Env env = Env.system();
    ExperimentConfig cfg = StudyRegistry.loadConfig(options.config, options.sets, env);
    Study study = StudyRegistry.forName(cfg.study(), options.config.toString());
    Path runDir = Path.of(cfg.output().root(), cfg.output().expGroupId());
    Path db = runDir.resolve(cfg.study() + ".sqlite");
    PrintWriter out = spec.commandLine().getOut();
    out.println(cfg.study() + " " + cfg.output().expGroupId() + ", config hash " + RunProvenance.configHash(cfg));
    if (!Files.isRegularFile(db)) {
      out.println("no store yet (" + db + "): nothing done; 'harness all -c " + options.config + "' starts");
      out.flush();
      return ExitCodes.OK;
    }
    Path dataDir = "runs".equals(cfg.output().root()) ? Path.of("data") : Path.of(cfg.output().root(), "data");
    try (Store store = Store.open(db, StudyRegistry.storeChain(cfg.study()))) {
      StudyContext ctx = new StudyContext(cfg, options.config.toString(), runDir, dataDir, store,
          new DefaultEngineFactory(env), env, out, spec.commandLine().getErr(), options.verbose);
      for (String line : PhaseStatus.lines(study, ctx)) out.println(line);
      study.unitStatus(ctx).ifPresent(u -> out.println(u.line()));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
