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

  /** Ctrl-C (SIGINT / SIGTERM): one line — how many units are stored and that {@code all} resumes. */
  private static void interrupted(Study study, StudyContext ctx, StudyOptions o) {
    java.util.Optional<dev.harness.study.UnitStatus> u;
    try {
      u = study.unitStatus(ctx);
    } catch (RuntimeException e) {
      u = java.util.Optional.empty();
    }
    ctx.err().println();
    ctx.err().println(interruptLine(u, o.config.toString()));
    ctx.err().flush();
  }

  /** {@code interrupted: 6 of 20 units stored (6 ok, 0 failed); 'harness all -c X' resumes}. */
  static String interruptLine(java.util.Optional<dev.harness.study.UnitStatus> status, String config) {
    String resume = "'harness all -c " + config + "' resumes";
    return status.map(u -> "interrupted: " + (u.done() + u.failed()) + " of " + u.current() + " units stored ("
        + u.done() + " ok, " + u.failed() + " failed); " + resume)
        .orElse("interrupted: every completed unit is stored; " + resume);
  }

  static int launch(StudyOptions o, List<Phase> phases, boolean skipDone, Set<Phase> force, CommandLine cl) {
    Env env = Env.system();
    ExperimentConfig cfg = StudyRegistry.loadConfig(o.config, o.sets, env);
    // nothing is written before the whole config is checked; prepare alone opens no engine, so needs no adapter yet
    ConfigFiles.check(cfg, o.config.toString(), phases.stream().anyMatch(p -> p != Phase.PREPARE));
    Study study = StudyRegistry.forName(cfg.study(), o.config.toString());
    Path runDir = Path.of(cfg.output().root(), cfg.output().expGroupId());
    // Manifests go under <output.root>/data when output.root is set to something other than the default "runs".
    Path dataDir = "runs".equals(cfg.output().root()) ? Path.of("data") : Path.of(cfg.output().root(), "data");
    try (Store store = Store.open(runDir.resolve(cfg.study() + ".sqlite"), StudyRegistry.storeChain(cfg.study()))) {
      StudyContext ctx = new StudyContext(cfg, o.config.toString(), runDir, dataDir, store,
          new DefaultEngineFactory(env), env, cl.getOut(), cl.getErr(), o.verbose, force);
      Thread onInterrupt = new Thread(() -> interrupted(study, ctx, o), "harness-interrupt");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        PhaseRunner.run(study, phases, skipDone, force, ctx);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting (Ctrl-C): the hook prints its line
        }
      }
    }
    return ExitCodes.OK;
  }
}
