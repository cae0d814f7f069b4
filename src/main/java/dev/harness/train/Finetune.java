package dev.harness.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.harness.HarnessException;
import dev.harness.config.ConfigException;
import dev.harness.config.ConfigLoader;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.weights.CheckpointException;
import dev.harness.stats.Bootstrap;
import dev.harness.stats.Interval;
import dev.harness.store.Store;
import dev.harness.store.StoreSchema;
import dev.harness.store.TrainTables;
import dev.harness.study.ContentHash;
import dev.harness.study.LocalEngines;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code harness finetune}: reads the data, loads the base (float or NF4) with fresh LoRA, trains, and writes the PEFT
 * adapter, {@code train_log.csv}, {@code plots/loss.png}, checkpoints and the {@code finetune.sqlite} store into the
 * output directory. With {@code train.resume} it continues from the newest checkpoint (same config required).
 */
public final class Finetune {
  public static final String STORE = "finetune.sqlite";

  /** What a run ended with (for callers and tests). */
  public record Outcome(String runId, Path output, int stepsDone, int totalSteps, boolean complete, Double evalLoss) {}

  private final FinetuneConfig cfg;
  private final String file;
  private final PrintWriter out;
  private final PrintWriter err;

  public Finetune(FinetuneConfig cfg, String file, PrintWriter out, PrintWriter err) {
    this.cfg = cfg;
    this.file = file;
    this.out = out;
    this.err = err;
  }

  /** Trains; {@code stopAfter} (null = no) stops after that many completed steps, as an interruption would. */
  public Outcome run(Integer stopAfter) {
    Path output = cfg.output().resolve();
    ai.djl.Device device = device(cfg.device(), file); // before the model or the data is read
    Path modelDir = LocalEngines.modelDir(cfg.model(), file, "model");
    TrainSettings t = cfg.train();
    List<TrainExample> all;
    int padId;
    try (HfTokenizer tok = HfTokenizer.open(modelDir)) {
      all = new TrainData(tok, t.maxLength(), w -> err.println("warning: " + w)).read(Path.of(cfg.data().source()),
          cfg.data().format(), cfg.data().limit());
      Integer pad = tok.specialTokens().eosId();
      padId = pad == null ? 0 : pad;
    } catch (CheckpointException e) {
      throw new HarnessException(e.getMessage(), 1, e);
    }
    checkKinds(all);
    List<List<Integer>> split = BatchPlan.split(all.size(), t.evalSplit(), t.seed());
    List<TrainExample> train = pick(all, split.get(0));
    List<TrainExample> eval = pick(all, split.get(1));
    String fingerprint = fingerprint(cfg, modelDir);
    try (NDManager root = NDManager.newBaseManager(device);
        TrainableLlama model = load(modelDir, root);
        Store store = openStore(output)) {
      Trainer trainer = new Trainer(model, Objective.named(t.objective()), t, train, eval, padId, root);
      int from = 0;
      String runId = null;
      Optional<TrainCheckpoint> ckpt = TrainCheckpoint.latest(output);
      if (t.resume() && ckpt.isPresent()) {
        TrainCheckpoint c = ckpt.get();
        if (!c.fingerprint().equals(fingerprint)) {
          throw new ConfigException(file, "train.resume", "checkpoint " + c.dir() + " was made with different inputs ("
              + changed(c.fingerprint(), fingerprint) + "); resuming would mix two trainings: remove it or set resume: false");
        }
        trainer.restore(c);
        from = c.step();
        runId = c.runId();
        out.println("resuming " + runId + " from " + c.dir() + " (step " + from + " of " + trainer.totalSteps() + ")");
      } else {
        if (t.resume()) err.println("warning: train.resume is set but " + TrainCheckpoint.root(output) + " holds no checkpoint; starting fresh");
        deleteCheckpoints(output);
        runId = "ft-" + UUID.randomUUID().toString().substring(0, 8);
      }
      TrainTables tables = new TrainTables(store);
      long loraParams = 0;
      for (LoraModule m : model.lora()) loraParams += m.a.length + m.b.length;
      tables.start(new TrainTables.RunRow(runId, cfg.model(), cfg.quantization(), t.objective(), json(cfg), train.size(),
          eval.size(), trainer.totalSteps(), loraParams, output.toString()), from);
      out.printf(Locale.ROOT, "finetune %s: %s on %s (%s base), %d train / %d held-out examples, %d LoRA modules "
              + "(%d parameters), %d steps%n", runId, t.objective(), cfg.model(), cfg.nf4() ? cfg.quantization().toUpperCase(Locale.ROOT).replace("_DQ", " double-quantized") : cfg.dtype(),
          train.size(), eval.size(), model.lora().size(), loraParams, trainer.totalSteps());
      int until = stopAfter == null ? trainer.totalSteps() : Math.min(trainer.totalSteps(), Math.max(from, stopAfter));
      String id = runId;
      int every = Math.max(1, trainer.totalSteps() / 20);
      int[] lastSaved = {-1};
      int done = trainer.run(from, until, r -> {
        tables.step(id, new TrainTables.StepRow(r.step(), r.epoch(), r.lr(), r.loss(), r.evalLoss(), r.gradNorm(), r.tokens(), r.seconds()));
        if (r.step() % every == 0 || r.step() == trainer.totalSteps() || !Double.isNaN(r.evalLoss())) {
          out.printf(Locale.ROOT, "step %d/%d  epoch %.2f  lr %.3g  loss %.5f%s  grad_norm %.3g%n", r.step(),
              trainer.totalSteps(), r.epoch(), r.lr(), r.loss(),
              Double.isNaN(r.evalLoss()) ? "" : String.format(Locale.ROOT, "  eval_loss %.5f", r.evalLoss()), r.gradNorm());
        }
      }, step -> {
        TrainCheckpoint.save(output, step, id, fingerprint, t.seed(), model.lora(), trainer.optimizerState());
        TrainReport.write(output, tables.steps(id), t.objective());
        lastSaved[0] = step;
      });
      List<TrainTables.StepRow> steps = tables.steps(runId);
      if (lastSaved[0] != done) TrainReport.write(output, steps, t.objective()); // else the last checkpoint wrote it
      if (done < trainer.totalSteps()) {
        tables.finish(runId, new TrainTables.Finish("stopped", lastLoss(steps), null, null, null));
        out.println("stopped after step " + done + " of " + trainer.totalSteps() + "; continue with train.resume: true");
        return new Outcome(runId, output, done, trainer.totalSteps(), false, null);
      }
      AdapterOutput.write(output, model, cfg.lora(), cfg.model());
      Interval trainTail = tail(steps);
      Interval evalCi = null;
      if (!eval.isEmpty()) {
        Trainer.EvalResult er = trainer.finalEval().orElseGet(trainer::evaluate);
        evalCi = Bootstrap.meanCi(er.perExample().stream().mapToDouble(Double::doubleValue).toArray(),
            Bootstrap.DEFAULT_ITERATIONS, Bootstrap.DEFAULT_LEVEL, t.seed());
      }
      tables.finish(runId, new TrainTables.Finish("done", lastLoss(steps), evalCi == null ? null : evalCi.estimate(),
          evalCi == null ? null : evalCi.lo(), evalCi == null ? null : evalCi.hi()));
      out.println("train loss, last " + trainTail.n() + " steps: " + trainTail.format(5));
      if (evalCi != null) out.println("held-out " + t.objective() + " loss per example: " + evalCi.format(5));
      out.println("adapter: " + output + " (adapter_config.json, adapter_model.safetensors); log: "
          + output.resolve("train_log.csv") + ", " + output.resolve("plots/loss.png") + ", " + output.resolve(STORE));
      return new Outcome(runId, output, done, trainer.totalSteps(), true, evalCi == null ? null : evalCi.estimate());
    }
  }

  /** Creates the output directory (only once the model has loaded) and opens its store. */
  private static Store openStore(Path output) {
    try {
      Files.createDirectories(output);
    } catch (IOException e) {
      throw new HarnessException(output + ": cannot create the output directory (" + e.getMessage() + ")", 1, e);
    }
    return Store.open(output.resolve(STORE), StoreSchema.FINETUNE);
  }

  private TrainableLlama load(Path modelDir, NDManager root) {
    try {
      return TrainableLlama.load(modelDir, root, BaseFormat.of(cfg.quantization(), cfg.dtype()), cfg.lora(), cfg.train().seed());
    } catch (CheckpointException e) {
      throw new HarnessException(e.getMessage(), 1, e);
    }
  }

  private void checkKinds(List<TrainExample> all) {
    boolean sft = cfg.train().objective().equals("sft");
    for (TrainExample e : all) {
      if (sft != (e.targetIds() == null)) {
        throw new ConfigException(file, "data.source", cfg.data().source() + ":" + e.line() + " is "
            + (sft ? "targets data, but train.objective is sft" : "instruction data, but train.objective is " + cfg.train().objective()));
      }
    }
  }

  /** Mean of the last (up to) 10 step losses with a bootstrap interval. */
  static Interval tail(List<TrainTables.StepRow> steps) {
    int k = Math.min(10, steps.size());
    double[] x = new double[k];
    for (int i = 0; i < k; i++) x[i] = steps.get(steps.size() - k + i).loss();
    return Bootstrap.meanCi(x, Bootstrap.DEFAULT_ITERATIONS, Bootstrap.DEFAULT_LEVEL, 1);
  }

  private static Double lastLoss(List<TrainTables.StepRow> steps) {
    return steps.isEmpty() ? null : steps.get(steps.size() - 1).loss();
  }

  private static List<TrainExample> pick(List<TrainExample> all, List<Integer> idx) {
    List<TrainExample> out = new ArrayList<>(idx.size());
    for (int i : idx) out.add(all.get(i));
    return out;
  }

  private static void deleteCheckpoints(Path output) {
    try {
      TrainCheckpoint.deleteTree(TrainCheckpoint.root(output));
    } catch (IOException e) {
      throw new HarnessException(TrainCheckpoint.root(output) + ": cannot clear old checkpoints (" + e.getMessage() + ")", 1, e);
    }
  }

  static Device device(String choice, String file) {
    try {
      return dev.harness.engine.local.DeviceChoice.resolve(choice);
    } catch (IllegalArgumentException e) {
      throw new dev.harness.config.ConfigException(file, "device", e.getMessage());
    }
  }

  static String json(FinetuneConfig c) {
    try {
      return ConfigLoader.mapper().copy().setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
          .writer().without(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .writeValueAsString(c);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What a checkpoint must match to be resumed: everything that decides the trained adapter, as
   * {@code config=<h>;model=<h>;data=<h>}. config: SHA-256 of the finetune config with train.resume cleared (model id,
   * quantization, dtype, LoRA settings, objective, every hyperparameter, seed, data source / format / limit); model:
   * the base checkpoint's content fingerprint ({@link ContentHash#checkpoint} of the resolved folder); data: the SHA-256
   * of the training file's bytes ({@link ContentHash#full}).
   */
  static String fingerprint(FinetuneConfig c, Path modelDir) {
    FinetuneConfig f = new FinetuneConfig(c.model(), c.quantization(), c.dtype(), c.device(), c.output(), c.lora(),
        c.train().withResume(false), c.data());
    String data = c.data().source() == null ? "none" : ContentHash.full(c.data().source());
    return "config=" + sha256(json(f)).substring(0, 16) + ";model=" + ContentHash.checkpoint(modelDir.toString())
        + ";data=" + data;
  }

  /** Which parts of two fingerprints differ, in words (a checkpoint from before the split: "the config"). */
  static String changed(String before, String now) {
    Map<String, String> a = parts(before), b = parts(now);
    if (a.isEmpty()) return "made by an older harness; its config fingerprint differs";
    List<String> out = new java.util.ArrayList<>();
    Map<String, String> names = Map.of("config", "model id, quantization, lora, objective, hyperparameters, seed or data"
        + " settings", "model", "the base model's checkpoint content", "data", "the training data's content");
    for (String k : List.of("config", "model", "data")) {
      if (!java.util.Objects.equals(a.get(k), b.get(k))) out.add(names.get(k) + " changed");
    }
    return String.join("; ", out);
  }

  private static Map<String, String> parts(String fp) {
    Map<String, String> out = new java.util.HashMap<>();
    if (!fp.contains("=")) return out;
    for (String p : fp.split(";")) {
      int eq = p.indexOf('=');
      if (eq > 0) out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
