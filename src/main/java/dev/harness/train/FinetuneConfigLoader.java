package dev.harness.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.config.ConfigException;
import dev.harness.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates a finetune config: strict binding (unknown keys and wrong types name the field path, through
 * {@link ConfigLoader#convert}), then the meaning of each value. Every problem is a {@link ConfigException} (exit 2)
 * naming the file and the field.
 */
public final class FinetuneConfigLoader {
  static final Set<String> OBJECTIVES = Set.of("sft", "tvd", "kl");
  static final Set<String> SCHEDULES = Set.of("linear", "cosine", "constant");
  static final Set<String> FORMATS = Set.of("auto", "prompt_response", "messages", "targets");
  /** Module names a Llama-family decoder layer has (PEFT matches by the last path component). */
  public static final List<String> LLAMA_MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  private FinetuneConfigLoader() {}

  public static FinetuneConfig load(Path file) { return load(file, List.of()); }

  /**
   * {@link #load(Path)} with {@code --set KEY.PATH=VALUE} overrides applied to the tree first, then {@code ${output.root}}
   * references, as for every study.
   */
  public static FinetuneConfig load(Path file, List<String> sets) {
    String name = file.toString();
    JsonNode tree = ConfigLoader.readTree(file, "'model', 'output', 'train' and 'data'");
    for (String s : sets) dev.harness.config.Overrides.apply((com.fasterxml.jackson.databind.node.ObjectNode) tree, s, name);
    dev.harness.config.OutputRootRefs.resolve((com.fasterxml.jackson.databind.node.ObjectNode) tree, name);
    FinetuneConfig cfg = ConfigLoader.convert(tree, FinetuneConfig.class, name);
    validate(cfg, name);
    return cfg;
  }

  public static void validate(FinetuneConfig c, String file) {
    if (c.model() == null || c.model().isBlank()) fail(file, "model", "required: a model directory or Hugging Face id");
    oneOf(file, "quantization", c.quantization(), Set.of("none", "nf4", "nf4_dq"));
    oneOf(file, "dtype", c.dtype(), Set.of("float32", "float16"));
    oneOf(file, "device", c.device(), Set.of("auto", "cpu", "gpu"));
    if (c.output().resolve() == null) fail(file, "output", "set output.dir, or output.exp_group_id (under <output.root>/adapters/)");
    LoraSettings l = c.lora();
    if (l.r() < 1) fail(file, "lora.r", "expected an integer >= 1, got " + l.r());
    if (!(l.alpha() > 0)) fail(file, "lora.alpha", "expected a number > 0, got " + l.alpha());
    if (!(l.dropout() >= 0 && l.dropout() < 1)) fail(file, "lora.dropout", "expected a number in [0, 1), got " + l.dropout());
    if (l.targetModules().isEmpty()) fail(file, "lora.target_modules", "expected at least one module name");
    for (int i = 0; i < l.targetModules().size(); i++) {
      String m = l.targetModules().get(i);
      if (!LLAMA_MODULES.contains(m)) {
        fail(file, "lora.target_modules[" + i + "]", "unknown module '" + m + "' (expected one of " + String.join(", ", LLAMA_MODULES) + ")");
      }
    }
    TrainSettings t = c.train();
    oneOf(file, "train.objective", t.objective(), OBJECTIVES);
    oneOf(file, "train.schedule", t.schedule(), SCHEDULES);
    if (!(t.lr() > 0)) fail(file, "train.lr", "expected a number > 0, got " + t.lr());
    if (!(t.weightDecay() >= 0)) fail(file, "train.weight_decay", "expected a number >= 0, got " + t.weightDecay());
    if (t.warmupRatio() != null && !(t.warmupRatio() >= 0 && t.warmupRatio() < 1)) {
      fail(file, "train.warmup_ratio", "expected a number in [0, 1), got " + t.warmupRatio());
    }
    if (t.warmupSteps() != null && t.warmupSteps() < 0) fail(file, "train.warmup_steps", "expected an integer >= 0, got " + t.warmupSteps());
    if (t.warmupRatio() != null && t.warmupSteps() != null) fail(file, "train.warmup_steps", "set warmup_ratio or warmup_steps, not both");
    if (t.epochs() != null && t.epochs() < 1) fail(file, "train.epochs", "expected an integer >= 1, got " + t.epochs());
    if (t.maxSteps() != null && t.maxSteps() < 1) fail(file, "train.max_steps", "expected an integer >= 1, got " + t.maxSteps());
    if (t.epochs() == null && t.maxSteps() == null) fail(file, "train", "set train.epochs or train.max_steps");
    positive(file, "train.batch_size", t.batchSize());
    positive(file, "train.grad_accum", t.gradAccum());
    if (!(t.maxGradNorm() >= 0)) fail(file, "train.max_grad_norm", "expected a number >= 0 (0 = no clipping), got " + t.maxGradNorm());
    if (!(t.evalSplit() >= 0 && t.evalSplit() < 1)) fail(file, "train.eval_split", "expected a fraction in [0, 1), got " + t.evalSplit());
    if (t.evalEvery() < 0) fail(file, "train.eval_every", "expected an integer >= 0, got " + t.evalEvery());
    if (t.saveEvery() < 0) fail(file, "train.save_every", "expected an integer >= 0, got " + t.saveEvery());
    if (t.maxLength() < 2) fail(file, "train.max_length", "expected an integer >= 2, got " + t.maxLength());
    if (!(t.adamBeta1() >= 0 && t.adamBeta1() < 1)) fail(file, "train.adam_beta1", "expected a number in [0, 1)");
    if (!(t.adamBeta2() >= 0 && t.adamBeta2() < 1)) fail(file, "train.adam_beta2", "expected a number in [0, 1)");
    if (!(t.adamEps() > 0)) fail(file, "train.adam_eps", "expected a number > 0");
    DataSettings d = c.data();
    if (d.source() == null || d.source().isBlank()) fail(file, "data.source", "required: a JSONL file");
    if (!Files.isRegularFile(Path.of(d.source()))) fail(file, "data.source", "file not found: " + d.source());
    oneOf(file, "data.format", d.format(), FORMATS);
    if (d.limit() != null && d.limit() < 1) fail(file, "data.limit", "expected an integer >= 1, got " + d.limit());
    boolean sft = t.objective().equals("sft");
    if (sft && d.format().equals("targets")) fail(file, "data.format", "objective sft needs prompt_response or messages data, not targets");
    if (!sft && (d.format().equals("prompt_response") || d.format().equals("messages"))) {
      fail(file, "data.format", "objective " + t.objective() + " needs targets data ({prompt | messages, targets}), not " + d.format());
    }
  }

  private static void positive(String file, String field, int v) {
    if (v < 1) fail(file, field, "expected an integer >= 1, got " + v);
  }

  private static void oneOf(String file, String field, String v, Set<String> allowed) {
    if (!allowed.contains(v)) fail(file, field, "expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ", got '" + v + "'");
  }

  private static void fail(String file, String field, String message) {
    throw new ConfigException(file, field, message);
  }
}
