package dev.harness.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.Main;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.lora.LoraPair;
import dev.harness.engine.local.lora.PeftAdapter;
import dev.harness.engine.local.weights.SafetensorsFile;
import dev.harness.engine.local.weights.TensorEntry;
import dev.harness.store.Store;
import dev.harness.store.StoreSchema;
import dev.harness.store.TrainTables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harness finetune} end to end through {@link Main#run}, on tiny-llama-gqa and the fixtures. */
class FinetuneCliTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** An sft config over 8 fixture lines; {@code extra} lines are appended under train:. */
  Path sftConfig(String name, Path output, String train) throws Exception {
    TrainFixtures.model("tiny-llama-gqa");
    Path f = tmp.resolve(name + ".yaml");
    Files.writeString(f, String.join("\n",
        "model: ../shared/models/tiny-llama-gqa",
        "output:",
        "  dir: " + output,
        "lora:",
        "  r: 4",
        "  alpha: 8",
        "  dropout: 0.1",
        "  target_modules: [q_proj, v_proj]",
        "train:",
        "  objective: sft",
        "  lr: 0.005",
        "  weight_decay: 0.01",
        "  schedule: cosine",
        "  warmup_steps: 1",
        "  max_steps: 6",
        "  batch_size: 3",
        "  grad_accum: 2",
        "  seed: 11",
        "  eval_split: 0.25",
        "  eval_every: 3",
        "  save_every: 2",
        train,
        "data:",
        "  source: data/fixtures/sft_tiny.jsonl",
        "  limit: 8",
        ""));
    return f;
  }

  @Test
  void sftRunWritesPeftAdapterLogPlotStoreAndTheAdapterLoadsBackIntoTheEngineWithTheTrainingLogits() throws Exception {
    Path outDir = tmp.resolve("sft");
    Run r = run("finetune", "-c", sftConfig("sft", outDir, "").toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("held-out sft loss per example: ") && r.out().contains("(n=2)"), r.out());

    JsonNode cfg = new ObjectMapper().readTree(outDir.resolve("adapter_config.json").toFile());
    assertEquals("LORA", cfg.get("peft_type").asText());
    assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
    assertEquals(4, cfg.get("r").asInt());
    assertEquals(8.0, cfg.get("lora_alpha").asDouble());
    assertEquals("../shared/models/tiny-llama-gqa", cfg.get("base_model_name_or_path").asText());
    assertEquals(Set.of("q_proj", "v_proj"), Set.of(cfg.get("target_modules").get(0).asText(), cfg.get("target_modules").get(1).asText()));

    Set<String> expected = new TreeSet<>();
    Map<String, long[]> shapes = new java.util.HashMap<>();
    for (int i = 0; i < 3; i++) {
      for (String p : List.of("q_proj", "v_proj")) {
        String k = "base_model.model.model.layers." + i + ".self_attn." + p;
        expected.add(k + ".lora_A.weight");
        expected.add(k + ".lora_B.weight");
        shapes.put(k + ".lora_A.weight", new long[] {4, 64});
        shapes.put(k + ".lora_B.weight", new long[] {p.equals("q_proj") ? 64 : 16, 4});
      }
    }
    try (SafetensorsFile f = SafetensorsFile.open(outDir.resolve("adapter_model.safetensors"))) {
      assertEquals(expected, new TreeSet<>(f.entries().keySet()), "exactly PEFT's key names");
      for (TensorEntry e : f.entries().values()) assertArrayEquals(shapes.get(e.name()), e.shape(), e.name());
    }

    List<String> csv = Files.readAllLines(outDir.resolve("train_log.csv"));
    assertEquals("step,epoch,lr,loss,eval_loss,grad_norm,tokens,seconds", csv.get(0));
    assertEquals(7, csv.size(), "header + 6 steps");
    assertTrue(Files.size(outDir.resolve("plots/loss.png")) > 1000);
    try (Store s = Store.open(outDir.resolve(Finetune.STORE), StoreSchema.FINETUNE)) {
      String runId = s.query(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT run_id, status FROM train_runs")) {
          assertTrue(rs.next());
          assertEquals("done", rs.getString(2));
          return rs.getString(1);
        }
      });
      List<TrainTables.StepRow> steps = new TrainTables(s).steps(runId);
      assertEquals(6, steps.size());
      assertFalse(Double.isNaN(steps.get(2).evalLoss()), "evaluated at step 3");
      assertTrue(Double.isNaN(steps.get(0).evalLoss()));
    }

    // The adapter read back through PeftAdapter equals the final checkpoint's LoRA (the trained arrays) bit for bit.
    PeftAdapter adapter = PeftAdapter.load(outDir);
    Map<String, float[]> ckpt = TrainFixtures.tensors(outDir.resolve("checkpoints/step-000006/lora.safetensors"));
    for (Map.Entry<String, LoraPair> e : adapter.pairs().entrySet()) {
      assertArrayEquals(ckpt.get(PeftAdapter.key(e.getKey(), 'A')), e.getValue().a());
      assertArrayEquals(ckpt.get(PeftAdapter.key(e.getKey(), 'B')), e.getValue().b());
    }
    // Training forward with those arrays vs the inference engine with the adapter: same logits.
    Path base = TrainFixtures.model("tiny-llama-gqa");
    int[] ids = {5, 77, 301, 12, 999, 64, 3, 450};
    float[] trainLogits;
    LoraSettings lora = new LoraSettings(4, 8.0, 0.1, List.of("q_proj", "v_proj"), false);
    try (NDManager root = NDManager.newBaseManager(); TrainableLlama m = TrainableLlama.load(base, root, BaseFormat.FLOAT32, lora, 0)) {
      for (Map.Entry<String, LoraPair> e : adapter.pairs().entrySet()) m.setLora(e.getKey(), e.getValue().a(), e.getValue().b());
      NDArray h = m.hidden(root, new int[][] {ids}, m.leaves(root, false), false);
      trainLogits = m.logits(h).toFloatArray();
    }
    float[] baseLogits;
    float[] engineLogits;
    try (LocalEngine eng = LocalEngine.open(base, new LocalOptions("float32", "cpu", null))) {
      baseLogits = flat(eng.logits(ids));
      String name = eng.addAdapter("trained", outDir);
      engineLogits = flat(eng.withAdapter(name).logits(ids));
    }
    assertTrue(TrainFixtures.maxAbsDiff(trainLogits, baseLogits) > 1e-2, "the adapter changes the model");
    double diff = TrainFixtures.maxAbsDiff(trainLogits, engineLogits);
    assertTrue(diff < 1e-4, "training forward vs engine with the written adapter: max |Δlogit| = " + diff);
  }

  private static float[] flat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
    return out;
  }

  @Test
  void resumedRunContinuesTheSameLossCurveAsAnUninterruptedOne() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    assertEquals(0, run("finetune", "-c", sftConfig("a", a, "").toString()).code());
    Run stopped = run("finetune", "-c", sftConfig("b1", b, "").toString(), "--stop-after-steps", "5");
    assertEquals(0, stopped.code(), stopped.err());
    assertTrue(stopped.out().contains("stopped after step 5 of 6"), stopped.out());
    assertFalse(Files.exists(b.resolve("adapter_model.safetensors")), "no adapter from an unfinished run");
    Run resumed = run("finetune", "-c", sftConfig("b2", b, "  resume: true").toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("(step 4 of 6)"), "resumes from the last checkpoint (step 4), redoing step 5: " + resumed.out());
    double[] la = losses(a);
    double[] lb = losses(b);
    assertEquals(6, la.length);
    assertEquals(6, lb.length);
    for (int i = 0; i < 6; i++) assertEquals(la[i], lb[i], 1e-6, "step " + (i + 1) + " loss");
    Map<String, float[]> wa = TrainFixtures.tensors(a.resolve("adapter_model.safetensors"));
    Map<String, float[]> wb = TrainFixtures.tensors(b.resolve("adapter_model.safetensors"));
    for (String k : wa.keySet()) assertTrue(TrainFixtures.maxAbsDiff(wa.get(k), wb.get(k)) < 1e-6, k);
  }

  /**
   * The resume fingerprint covers every input that decides the adapter: a changed data file (same path), a changed
   * hyperparameter or seed refuses to resume (exit 2, naming what changed) instead of silently mixing two trainings;
   * the unchanged inputs resume.
   */
  @Test
  void aChangedInputDoesNotResumeSilently() throws Exception {
    Path data = tmp.resolve("data.jsonl");
    Files.copy(Path.of("data/fixtures/sft_tiny.jsonl"), data);
    Path out = tmp.resolve("fp");
    Path cfg = sftConfig("fp", out, "");
    Files.writeString(cfg, Files.readString(cfg).replace("data/fixtures/sft_tiny.jsonl", data.toString()));
    Run stopped = run("finetune", "-c", cfg.toString(), "--stop-after-steps", "3");
    assertEquals(0, stopped.code(), stopped.err());
    Path resume = tmp.resolve("fp_resume.yaml");
    Files.writeString(resume, Files.readString(cfg).replace("  save_every: 2", "  save_every: 2\n  resume: true"));

    Run lr = run("finetune", "-c", resume.toString(), "--set", "train.lr=0.001");
    assertEquals(2, lr.code(), lr.err());
    assertTrue(lr.err().contains("train.resume") && lr.err().contains("hyperparameters"), lr.err());
    Run seed = run("finetune", "-c", resume.toString(), "--set", "train.seed=12");
    assertEquals(2, seed.code(), seed.err());

    String original = Files.readString(data);
    Files.writeString(data, original.replace(" blue", " azure"));
    Run edited = run("finetune", "-c", resume.toString());
    assertEquals(2, edited.code(), edited.err());
    assertTrue(edited.err().contains("the training data's content changed"), edited.err());
    assertFalse(edited.err().contains("hyperparameters"), "only the data changed: " + edited.err());

    Files.writeString(data, original);
    Run ok = run("finetune", "-c", resume.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("(step 2 of 6)"), "the same inputs resume: " + ok.out());
  }

  private static double[] losses(Path out) {
    try (Store s = Store.open(out.resolve(Finetune.STORE), StoreSchema.FINETUNE)) {
      return s.query(c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT loss FROM train_steps ORDER BY step")) {
          double[] x = new double[0];
          while (rs.next()) {
            x = Arrays.copyOf(x, x.length + 1);
            x[x.length - 1] = rs.getDouble(1);
          }
          return x;
        }
      });
    }
  }

  @Test
  void badConfigsExitTwoNamingFileAndFieldAndWriteNothing() throws Exception {
    Path outDir = tmp.resolve("never");
    Path unknown = sftConfig("unknown", outDir, "  learning_rate: 0.1");
    Run r = run("finetune", "-c", unknown.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(unknown.toString()) && r.err().contains("train") && r.err().contains("learning_rate"), r.err());
    Path badDropout = tmp.resolve("dropout.yaml");
    Files.writeString(badDropout, Files.readString(sftConfig("x", outDir, "")).replace("dropout: 0.1", "dropout: 1.5"));
    r = run("finetune", "-c", badDropout.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(badDropout + ": lora.dropout: expected a number in [0, 1), got 1.5"), r.err());
    Path mismatch = tmp.resolve("mismatch.yaml");
    Files.writeString(mismatch, Files.readString(sftConfig("y", outDir, "")).replace("objective: sft", "objective: tvd")
        .replace("format: auto", "format: auto"));
    r = run("finetune", "-c", mismatch.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("data.source") && r.err().contains("instruction data, but train.objective is tvd"), r.err());
    Path type = tmp.resolve("type.yaml");
    Files.writeString(type, Files.readString(sftConfig("z", outDir, "")).replace("r: 4", "r: four"));
    r = run("finetune", "-c", type.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("lora.r") && r.err().contains("expected an integer"), r.err());
    assertFalse(Files.exists(outDir.resolve(Finetune.STORE)), "nothing written");
    TrainFixtures.model("tiny-random-gpt2");
    Path gpt2 = tmp.resolve("gpt2.yaml");
    Files.writeString(gpt2, Files.readString(sftConfig("g", outDir, "")).replace("tiny-llama-gqa", "tiny-random-gpt2"));
    r = run("finetune", "-c", gpt2.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("config.json") && r.err().contains("GPT2LMHeadModel is not supported for training"), r.err());
    assertFalse(Files.exists(outDir), "nothing written, not even the output directory");
  }

  @Test
  void qloraOnAnNf4BaseTrainsTheControlDataAndKeepsItsLossFinite() throws Exception {
    TrainFixtures.model("tiny-llama-gqa");
    Path outDir = tmp.resolve("qlora");
    Path f = tmp.resolve("qlora.yaml");
    Files.writeString(f, String.join("\n",
        "model: ../shared/models/tiny-llama-gqa",
        "quantization: nf4_dq",
        "output: {dir: " + outDir + "}",
        "lora: {r: 4, alpha: 8, target_modules: [q_proj, k_proj, v_proj, o_proj]}",
        "train: {objective: kl, lr: 0.01, max_steps: 4, batch_size: 4, seed: 1}",
        "data: {source: data/fixtures/control_train_tiny.jsonl}",
        ""));
    Run r = run("finetune", "-c", f.toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("(NF4 double-quantized base)"), r.out());
    assertTrue(r.err().contains("warning: ") || !r.err().contains("error"), r.err());
    double[] l = losses(outDir);
    assertEquals(4, l.length);
    assertTrue(l[3] < l[0], "KL falls on the NF4 base: " + Arrays.toString(l));
    assertTrue(Files.exists(outDir.resolve("adapter_model.safetensors")));
  }
}
