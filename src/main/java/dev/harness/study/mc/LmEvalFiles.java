package dev.harness.study.mc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harness.HarnessVersion;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.data.mc.McTask;
import dev.harness.stats.Descriptive;
import dev.harness.study.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * lm-evaluation-harness output files per variant, so its tooling reads them: {@code results_<time>.json} and
 * {@code samples_<task>_<time>.jsonl} in {@code lm_eval/<model or adapter>/}. Numbers come from the store (the
 * seed-averaged item values; seeds are identical for zero-shot log-likelihoods). Older files of the same kind in
 * the folder are replaced.
 */
final class LmEvalFiles {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper LINE = new ObjectMapper();
  static final String DIR = "lm_eval";

  private LmEvalFiles() {}

  /** lm-eval's file time: ISO-8601 with ':' replaced by '-' (e.g. 2024-05-01T12-30-00.123456). */
  static String fileTime(Instant t) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSSSSS").withZone(ZoneOffset.UTC).format(t);
  }

  /** Writes the files of every variant; returns the folders written. */
  static List<Path> write(Path runDir, ExperimentConfig c, McTables tables, Instant now) {
    String time = fileTime(now);
    List<Path> out = new ArrayList<>();
    List<String> folders = McVariants.folders(c);
    for (int i = 0; i < c.variants().size(); i++) {
      EngineConfig v = c.variants().get(i);
      Path dir = runDir.resolve(DIR).resolve(folders.get(i));
      try {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "{results_*.json,samples_*.jsonl}")) {
          for (Path p : old) Files.delete(p);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> configs = new LinkedHashMap<>();
        Map<String, Object> versions = new LinkedHashMap<>();
        Map<String, Object> nshot = new LinkedHashMap<>();
        Map<String, Object> hib = new LinkedHashMap<>();
        Map<String, Object> nsamples = new LinkedHashMap<>();
        Map<String, Object> taskHashes = new LinkedHashMap<>();
        for (String taskId : c.section(McStudyConfig.class).tasks()) {
          McTask task = McTask.byId(taskId).orElseThrow();
          List<String> sampleHashes = new ArrayList<>();
          Map<String, Double> means = samples(dir.resolve("samples_" + taskId + "_" + time + ".jsonl"), v, task,
              tables, c, sampleHashes);
          taskHashes.put(taskId, LmEvalMeta.taskHash(sampleHashes));
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("alias", taskId);
          for (String m : task.metrics()) {
            r.put(m + ",none", means.get(m));
            r.put(m + "_stderr,none", means.get(m + "_stderr"));
          }
          results.put(taskId, r);
          configs.put(taskId, taskConfig(task, McPrepare.source(c, task)));
          versions.put(taskId, task.version());
          nshot.put(taskId, 0);
          Map<String, Object> h = new LinkedHashMap<>();
          for (String m : task.metrics()) h.put(m, true);
          hib.put(taskId, h);
          McTables.TaskRow tr = tables.task(taskId).orElseThrow();
          nsamples.put(taskId, map("original", tr.nSource(), "effective", tr.nSelected()));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", results);
        doc.put("group_subtasks", c.section(McStudyConfig.class).tasks().stream().collect(LinkedHashMap::new, (m, t) -> m.put(t, List.of()), Map::putAll));
        doc.put("configs", configs);
        doc.put("versions", versions);
        doc.put("n-shot", nshot);
        doc.put("higher_is_better", hib);
        doc.put("n-samples", nsamples);
        Map<String, Object> config = runConfig(v, c);
        ModelSource src = ModelSource.of(v);
        LmEvalMeta.ModelInfo info = src.info();
        doc.put("config", config);
        doc.put("git_hash", gitHash());
        doc.put("date", now.toEpochMilli() / 1000.0);
        // add_env_info (lm_eval/loggers/utils.py): no torch / transformers / lm_eval here
        doc.put("pretty_env_info", "harness " + HarnessVersion.VERSION + "; Java " + System.getProperty("java.version") + "; "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        doc.put("transformers_version", null);
        doc.put("lm_eval_version", null);
        doc.put("upper_git_hash", null);
        // add_tokenizer_info
        doc.put("tokenizer_pad_token", info.padToken());
        doc.put("tokenizer_eos_token", info.eosToken());
        doc.put("tokenizer_bos_token", info.bosToken());
        doc.put("eot_token_id", info.eotTokenId());
        doc.put("max_length", info.maxLength());
        // EvaluationTracker.save_results_aggregated: task_hashes, then asdict(GeneralConfigTracker)
        doc.put("task_hashes", taskHashes);
        String modelName = LmEvalMeta.modelName((String) config.get("model_args"));
        doc.put("model_source", config.get("model"));
        doc.put("model_name", modelName);
        doc.put("model_name_sanitized", LmEvalMeta.sanitizeModelName(modelName));
        doc.put("system_instruction", null);
        doc.put("system_instruction_sha", null);
        doc.put("fewshot_as_multiturn", false);
        doc.put("chat_template", null); // mc_eval scores plain completions: no chat template is applied
        doc.put("chat_template_sha", null);
        // lm-eval: time.perf_counter() at tracker start and at save; here epoch seconds of the variant's first and
        // last stored result (the scoring window), and their difference as a string
        McTables.TimeSpan span = tables.resultTimes(v.label());
        Double start = span == null ? null : span.first().toEpochMilli() / 1000.0;
        Double end = span == null ? null : span.last().toEpochMilli() / 1000.0;
        doc.put("start_time", start);
        doc.put("end_time", end);
        doc.put("total_evaluation_time_seconds", span == null ? null : PyJson.str(end - start));
        doc.put("harness_version", HarnessVersion.VERSION);
        doc.put("harness_variant", v.label());
        JSON.writeValue(dir.resolve("results_" + time + ".json").toFile(), doc);
        out.add(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write lm-eval files in " + dir, e);
      }
    }
    return out;
  }

  /** Writes one samples file; returns the task's metric means and stderrs over its documents. */
  private static Map<String, Double> samples(Path file, EngineConfig v, McTask task, McTables tables,
      ExperimentConfig c, List<String> sampleHashes) throws IOException {
    List<Integer> seeds = McVariants.seeds(c);
    Map<String, Double> ll = new HashMap<>();
    Map<String, Boolean> greedy = new HashMap<>();
    for (McTables.ResultRow r : McVariants.currentResults(c, tables, v, task.id())) {
      if (r.seed() != seeds.get(0)) continue;
      ll.put(r.docId() + "|" + r.choiceIndex(), r.loglik());
      greedy.put(r.docId() + "|" + r.choiceIndex(), r.greedy());
    }
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (String m : task.metrics()) values.put(m, new ArrayList<>());
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (McTables.ItemRow it : tables.items(task.id())) {
        double[] x = new double[it.choices().size()];
        Map<String, Object> args = new LinkedHashMap<>();
        List<Object> resps = new ArrayList<>();
        List<Object> filtered = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (McTables.ChoiceRow ch : it.choices()) {
          String k = it.docId() + "|" + ch.index();
          Double value = ll.get(k);
          if (value == null) throw new IllegalStateException("variant " + v.label() + " has no score for " + task.id() + " " + k);
          x[ch.index()] = value;
          texts.add(ch.text());
          labels.add(ch.label());
          args.put("gen_args_" + ch.index(), map("arg_0", it.context(), "arg_1", ch.continuation()));
          List<String> pair = List.of(PyJson.str(value), greedy.get(k) ? "True" : "False");
          resps.add(List.of(pair));
          filtered.add(pair);
        }
        int target = task.isArc() ? it.gold() : 0;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("doc_id", it.docId());
        line.put("doc", LINE.readValue(it.docJson(), LinkedHashMap.class));
        line.put("target", String.valueOf(target)); // EvaluationTracker.save_results_samples: str(sample["target"])
        line.put("arguments", args);
        line.put("resps", resps);
        line.put("filtered_resps", filtered);
        line.put("filter", "none");
        line.put("metrics", task.metrics());
        String docHash = Json.sha256(it.docJson());
        String promptHash = Json.sha256(it.context());
        String targetHash = Json.sha256(String.valueOf(target));
        line.put("doc_hash", docHash);
        line.put("prompt_hash", promptHash);
        line.put("target_hash", targetHash);
        sampleHashes.add(docHash + promptHash + targetHash);
        Map<String, Double> m = McScore.metrics(task, x, texts, it.gold(), labels);
        for (Map.Entry<String, Double> e : m.entrySet()) {
          line.put(e.getKey(), e.getValue());
          values.get(e.getKey()).add(e.getValue());
        }
        w.write(LINE.writeValueAsString(line));
        w.write('\n');
      }
    }
    Map<String, Double> out = new HashMap<>();
    for (Map.Entry<String, List<Double>> e : values.entrySet()) {
      double[] a = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      out.put(e.getKey(), a.length == 0 ? null : Descriptive.mean(a));
      double se = Descriptive.stderr(a); // lm-eval's: sample std (n − 1) / √n
      out.put(e.getKey() + "_stderr", Double.isFinite(se) ? se : null);
    }
    return out;
  }

  private static Map<String, Object> taskConfig(McTask task, String source) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", task.id());
    if (task.isArc()) {
      m.put("tag", List.of("ai2_arc"));
      m.put("dataset_path", "allenai/ai2_arc");
      m.put("dataset_name", task == McTask.ARC_EASY ? "ARC-Easy" : "ARC-Challenge");
      m.put("test_split", "test");
      m.put("doc_to_text", "Question: {{question}}\nAnswer:");
      m.put("doc_to_target", "{{choices.label.index(answerKey)}}");
      m.put("doc_to_choice", "{{choices.text}}");
    } else {
      m.put("tag", List.of("truthfulqa"));
      m.put("dataset_path", "truthful_qa");
      m.put("dataset_name", "multiple_choice");
      m.put("validation_split", "validation");
      m.put("doc_to_text", "{% set prompt_qa = '" + McTask.TRUTHFULQA_PRIMER.replace("\n", "\\n")
          + "'%}{{prompt_qa + 'Q: ' + question + '\\nA:'}}");
      m.put("doc_to_target", 0);
      m.put("doc_to_choice", task == McTask.TRUTHFULQA_MC1 ? "{{mc1_targets.choices}}" : "{{mc2_targets.choices}}");
      if (task == McTask.TRUTHFULQA_MC2) m.put("process_results", "mc2 (log-sum-exp of true over all choices)");
    }
    m.put("harness_source", source);
    m.put("description", "");
    m.put("target_delimiter", McTask.TARGET_DELIMITER);
    m.put("fewshot_delimiter", "\n\n");
    m.put("num_fewshot", 0);
    List<Object> metrics = new ArrayList<>();
    for (String name : task.metrics()) metrics.add(map("metric", name, "aggregation", "mean", "higher_is_better", true));
    m.put("metric_list", metrics);
    m.put("output_type", "multiple_choice");
    m.put("repeats", 1);
    m.put("should_decontaminate", false);
    m.put("metadata", Map.of("version", task.version()));
    return m;
  }

  private static Map<String, Object> runConfig(EngineConfig v, ExperimentConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", v.isLocal() ? "harness-local" : "local-completions");
    StringBuilder args = new StringBuilder("pretrained=" + v.model());
    if (v.adapter() != null) args.append(",peft=").append(v.adapter());
    if (!"none".equals(v.quantization())) args.append(",quantization=").append(v.quantization());
    args.append(",dtype=").append(v.dtype());
    if (!v.isLocal()) args.append(",base_url=").append(v.baseUrl());
    m.put("model_args", args.toString());
    // HFLM.get_model_info (lm-eval adds it only for its HF model; for an API model the keys are null here)
    ModelSource src = ModelSource.of(v);
    LmEvalMeta.ModelInfo info = v.isLocal() ? src.info() : null;
    m.put("model_num_parameters", info == null ? null : info.numParameters());
    m.put("model_dtype", info == null ? null : info.dtype());
    m.put("model_revision", info == null ? null : info.revision());
    m.put("model_sha", info == null ? null : info.sha());
    if (info != null && v.adapter() != null) m.put("peft_sha", src.peftSha());
    m.put("dtype", v.dtype());
    m.put("quantization", v.quantization());
    m.put("batch_size", c.section(McStudyConfig.class).mc().batchSize());
    m.put("batch_sizes", List.of());
    m.put("device", v.device());
    m.put("use_cache", null);
    m.put("limit", c.section(McStudyConfig.class).limit());
    m.put("subset", c.section(McStudyConfig.class).mc().subset());
    m.put("bootstrap_iters", c.analysis().bootstrapIters());
    m.put("gen_kwargs", null);
    m.put("seeds", McVariants.seeds(c));
    m.put("random_seed", McVariants.seeds(c).get(0));
    m.put("numpy_seed", null); // nothing is sampled by numpy / torch / a few-shot sampler (zero-shot)
    m.put("torch_seed", null);
    m.put("fewshot_seed", null);
    m.put("seed_note", "zero-shot log-likelihoods do not depend on a seed: every seed has the same scores");
    return m;
  }

  /** An insertion-ordered map of key, value pairs (JSON keys in a fixed order). */
  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static String gitHash() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && s.matches("[0-9a-f]{4,40}") ? s : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
