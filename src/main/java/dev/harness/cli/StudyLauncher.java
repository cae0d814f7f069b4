package dev.harness.cli;

import dev.harness.config.ConfigFiles;
import dev.harness.config.ConfigLoader;
import dev.harness.config.Env;
import dev.harness.config.ExperimentConfig;
import dev.harness.store.Store;
import dev.harness.study.DefaultEngineFactory;
import dev.harness.study.Phase;
import dev.harness.study.PhaseRunner;
import dev.harness.study.Study;
import dev.harness.study.StudyContext;
import dev.harness.study.StudyRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** Shared by the phase commands: load and validate the config, open the store, run the phases. */
final class StudyLauncher {
  private StudyLauncher() {}

  static int launch(StudyOptions o, List<Phase> phases, boolean skipDone, Set<Phase> force, CommandLine cl) {
    Env env = Env.system();
    ExperimentConfig cfg = ConfigLoader.load(o.config, o.sets, env);
    // nothing is written before the whole config is checked; prepare alone opens no engine, so needs no adapter yet
    ConfigFiles.check(cfg, o.config.toString(), phases.stream().anyMatch(p -> p != Phase.PREPARE));
    Study study = StudyRegistry.forName(cfg.study(), o.config.toString());
    Path runDir = Path.of(cfg.output().root(), cfg.output().expGroupId());
    // Manifests go under <output.root>/data when output.root is set to something other than the default "runs".
    Path dataDir = "runs".equals(cfg.output().root()) ? Path.of("data") : Path.of(cfg.output().root(), "data");
    try (Store store = Store.open(runDir.resolve(cfg.study() + ".sqlite"))) {
      StudyContext ctx = new StudyContext(cfg, o.config.toString(), runDir, dataDir, store,
          new DefaultEngineFactory(env), env, cl.getOut(), cl.getErr(), o.verbose);
      PhaseRunner.run(study, phases, skipDone, force, ctx);
    }
    return ExitCodes.OK;
  }
}
