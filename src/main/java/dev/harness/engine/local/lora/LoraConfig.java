package dev.harness.engine.local.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PEFT's {@code adapter_config.json} for a LoRA adapter. {@code targetModules} is a list of module names
 * ({@code targetRegex} null) or, when the file gives a string, a regex matched against the whole module path
 * ({@code targetModules} null). {@code layersToTransform} null means every layer. Keys PEFT writes that do not change
 * how a LoRA adapter is applied here (auto_mapping, revision, megatron_*, loftq_config, init_lora_weights, …) are
 * ignored on read; {@code use_dora}, {@code layer_replication} and a bias other than "none" are rejected (not
 * supported by this engine).
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, List<String> targetModules, String targetRegex,
    boolean fanInFanOut, String bias, boolean useRslora, List<String> modulesToSave, List<Integer> layersToTransform,
    String layersPattern, Map<String, Integer> rankPattern, Map<String, Double> alphaPattern, String taskType,
    String peftType, String baseModelNameOrPath, boolean inferenceMode) {

  public static final String FILE = "adapter_config.json";

  public LoraConfig {
    if ((targetModules == null) == (targetRegex == null)) {
      throw new IllegalArgumentException("LoraConfig: exactly one of targetModules and targetRegex must be set");
    }
    targetModules = targetModules == null ? null : List.copyOf(targetModules);
    modulesToSave = modulesToSave == null ? null : List.copyOf(modulesToSave);
    layersToTransform = layersToTransform == null ? null : List.copyOf(layersToTransform);
    rankPattern = rankPattern == null ? Map.of() : Map.copyOf(rankPattern);
    alphaPattern = alphaPattern == null ? Map.of() : Map.copyOf(alphaPattern);
    bias = bias == null ? "none" : bias;
    taskType = taskType == null ? "CAUSAL_LM" : taskType;
    peftType = peftType == null ? "LORA" : peftType;
  }

  /** A plain adapter config (no patterns, all layers, no rslora). */
  public static LoraConfig of(int r, double alpha, double dropout, List<String> targetModules, boolean fanInFanOut,
      String baseModel) {
    return of(r, alpha, dropout, targetModules, fanInFanOut, false, baseModel);
  }

  /** As {@link #of(int, double, double, List, boolean, String)}, with {@code use_rslora}: what {@code finetune} writes. */
  public static LoraConfig of(int r, double alpha, double dropout, List<String> targetModules, boolean fanInFanOut,
      boolean useRslora, String baseModel) {
    return new LoraConfig(r, alpha, dropout, targetModules, null, fanInFanOut, "none", useRslora, null, null, null,
        Map.of(), Map.of(), "CAUSAL_LM", "LORA", baseModel, true);
  }

  // ---- matching ---------------------------------------------------------------------------------------------------

  /**
   * Whether PEFT would put a LoRA layer on {@code modulePath} (e.g. {@code model.layers.0.self_attn.q_proj}): a list
   * entry equal to the path or a suffix after a dot, or the regex matching the whole path; then, with
   * {@code layers_to_transform}, the layer index (the number after {@code layers_pattern}, or after any name when
   * there is no pattern) must be listed.
   */
  public boolean targets(String modulePath) {
    boolean found;
    if (targetRegex != null) {
      found = Pattern.compile(targetRegex).matcher(modulePath).matches();
    } else {
      found = false;
      for (String t : targetModules) {
        if (modulePath.equals(t) || modulePath.endsWith("." + t)) {
          found = true;
          break;
        }
      }
    }
    if (!found || layersToTransform == null) return found;
    Integer layer = layerIndex(modulePath);
    return layer != null && layersToTransform.contains(layer);
  }

  private Integer layerIndex(String modulePath) {
    Matcher m;
    if (layersPattern == null || layersPattern.isEmpty()) {
      m = Pattern.compile(".*\\.[^.]*\\.(\\d+)\\..*").matcher(modulePath);
    } else {
      m = Pattern.compile(".*\\." + layersPattern + "\\.(\\d+)\\..*").matcher(modulePath);
    }
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /** The rank of {@code modulePath}: the first {@code rank_pattern} key matching it, else {@code r}. */
  public int rank(String modulePath) {
    String key = patternKey(rankPattern.keySet(), modulePath);
    return key == null ? r : rankPattern.get(key);
  }

  /** lora_alpha of {@code modulePath}: the first {@code alpha_pattern} key matching it, else {@code lora_alpha}. */
  public double alpha(String modulePath) {
    String key = patternKey(alphaPattern.keySet(), modulePath);
    return key == null ? loraAlpha : alphaPattern.get(key);
  }

  /** alpha / r, or alpha / √r with rslora, with the module's rank and alpha patterns applied. */
  public double scaling(String modulePath) {
    int rr = rank(modulePath);
    double a = alpha(modulePath);
    return useRslora ? a / Math.sqrt(rr) : a / rr;
  }

  /** PEFT: a pattern key matches when the path is the key, or ends with "." + key (the key is a regex). */
  private static String patternKey(Iterable<String> keys, String modulePath) {
    for (String k : keys) {
      if (Pattern.compile("(.*\\.)?(" + k + ")").matcher(modulePath).matches()) return k;
    }
    return null;
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  public static LoraConfig read(Path adapterDir) {
    Path file = adapterDir.resolve(FILE);
    if (!Files.isRegularFile(file)) throw new LoraException(file + ": not found (a PEFT adapter directory has " + FILE + ")");
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new LoraException(file + ": not valid JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
    }
    if (root == null || !root.isObject()) throw new LoraException(file + ": expected a JSON object");
    Fields f = new Fields(file, root);
    String peftType = f.string("peft_type", "LORA");
    if (!"LORA".equals(peftType)) f.fail("peft_type", "is \"" + peftType + "\"; only LORA adapters are supported");
    if (f.bool("use_dora", false)) f.fail("use_dora", "is true; DoRA is not supported");
    if (root.hasNonNull("layer_replication")) f.fail("layer_replication", "is set; layer replication is not supported");
    String bias = f.string("bias", "none");
    if (!"none".equals(bias)) f.fail("bias", "is \"" + bias + "\"; only \"none\" is supported");
    int r = f.positiveInt("r", 8);
    double alpha = f.number("lora_alpha", 8);
    double dropout = f.number("lora_dropout", 0);
    if (dropout < 0 || dropout >= 1) f.fail("lora_dropout", "must be in [0, 1), got " + dropout);
    List<String> targets = null;
    String regex = null;
    JsonNode tm = root.get("target_modules");
    if (tm == null || tm.isNull()) {
      f.fail("target_modules", "is missing (give a list of module names or a regex string)");
    } else if (tm.isTextual()) {
      regex = tm.asText();
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        f.fail("target_modules", "is not a valid regex (" + e.getDescription() + ")");
      }
    } else if (tm.isArray()) {
      targets = f.strings("target_modules", tm);
      if (targets.isEmpty()) f.fail("target_modules", "is an empty list");
    } else {
      f.fail("target_modules", "expected a list of module names or a regex string, got " + tm.getNodeType());
    }
    List<Integer> layers = null;
    JsonNode lt = root.get("layers_to_transform");
    if (lt != null && !lt.isNull()) {
      layers = new ArrayList<>();
      if (lt.isInt()) layers.add(lt.asInt());
      else if (lt.isArray()) {
        for (int i = 0; i < lt.size(); i++) {
          if (!lt.get(i).isInt()) f.fail("layers_to_transform[" + i + "]", "expected an integer, got " + lt.get(i));
          layers.add(lt.get(i).asInt());
        }
      } else f.fail("layers_to_transform", "expected an integer or a list of integers, got " + lt.getNodeType());
    }
    String layersPattern = null;
    JsonNode lp = root.get("layers_pattern");
    if (lp != null && !lp.isNull()) {
      if (lp.isTextual()) layersPattern = lp.asText();
      else if (lp.isArray() && lp.size() == 1 && lp.get(0).isTextual()) layersPattern = lp.get(0).asText();
      else f.fail("layers_pattern", "expected a string (or a list of one), got " + lp);
    }
    Map<String, Integer> rankPattern = new LinkedHashMap<>();
    f.object("rank_pattern").forEach((k, v) -> {
      if (!v.isInt() || v.asInt() <= 0) f.fail("rank_pattern." + k, "expected a positive integer, got " + v);
      rankPattern.put(k, v.asInt());
    });
    Map<String, Double> alphaPattern = new LinkedHashMap<>();
    f.object("alpha_pattern").forEach((k, v) -> {
      if (!v.isNumber()) f.fail("alpha_pattern." + k, "expected a number, got " + v);
      alphaPattern.put(k, v.asDouble());
    });
    for (String k : rankPattern.keySet()) f.regex("rank_pattern." + k, k);
    for (String k : alphaPattern.keySet()) f.regex("alpha_pattern." + k, k);
    JsonNode ms = root.get("modules_to_save");
    List<String> modulesToSave = ms == null || ms.isNull() ? null : f.strings("modules_to_save", ms);
    return new LoraConfig(r, alpha, dropout, targets, regex, f.bool("fan_in_fan_out", false), bias,
        f.bool("use_rslora", false), modulesToSave, layers, layersPattern, rankPattern, alphaPattern,
        f.string("task_type", "CAUSAL_LM"), peftType, f.string("base_model_name_or_path", null),
        f.bool("inference_mode", true));
  }

  /** Field readers that name the file and the key in their one-line errors. */
  private record Fields(Path file, JsonNode root) {
    void fail(String key, String what) { throw new LoraException(file + ": " + key + ": " + what); }

    String string(String key, String dflt) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) return dflt;
      if (!n.isTextual()) fail(key, "expected a string, got " + n);
      return n.asText();
    }

    boolean bool(String key, boolean dflt) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) return dflt;
      if (!n.isBoolean()) fail(key, "expected true or false, got " + n);
      return n.asBoolean();
    }

    double number(String key, double dflt) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) return dflt;
      if (!n.isNumber()) fail(key, "expected a number, got " + n);
      return n.asDouble();
    }

    int positiveInt(String key, int dflt) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) return dflt;
      if (!n.isIntegralNumber() || n.asInt() <= 0) fail(key, "expected a positive integer, got " + n);
      return n.asInt();
    }

    List<String> strings(String key, JsonNode arr) {
      if (!arr.isArray()) fail(key, "expected a list of strings, got " + arr);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < arr.size(); i++) {
        if (!arr.get(i).isTextual()) fail(key + "[" + i + "]", "expected a string, got " + arr.get(i));
        out.add(arr.get(i).asText());
      }
      return out;
    }

    Map<String, JsonNode> object(String key) {
      JsonNode n = root.get(key);
      Map<String, JsonNode> out = new LinkedHashMap<>();
      if (n == null || n.isNull()) return out;
      if (!n.isObject()) fail(key, "expected an object, got " + n);
      n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }

    void regex(String key, String regex) {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        fail(key, "is not a valid regex (" + e.getDescription() + ")");
      }
    }
  }

  // ---- writing ----------------------------------------------------------------------------------------------------

  /** Writes {@code adapter_config.json} into {@code dir} with PEFT's keys (as PEFT 0.10 writes them). */
  public void write(Path dir) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = json.createObjectNode();
    ObjectNode ap = o.putObject("alpha_pattern");
    alphaPattern.forEach((k, v) -> putNumber(ap, k, v));
    o.putNull("auto_mapping");
    if (baseModelNameOrPath == null) o.putNull("base_model_name_or_path");
    else o.put("base_model_name_or_path", baseModelNameOrPath);
    o.put("bias", bias);
    o.put("fan_in_fan_out", fanInFanOut);
    o.put("inference_mode", inferenceMode);
    o.put("init_lora_weights", true);
    o.putNull("layer_replication");
    if (layersPattern == null) o.putNull("layers_pattern");
    else o.put("layers_pattern", layersPattern);
    if (layersToTransform == null) o.putNull("layers_to_transform");
    else {
      ArrayNode a = o.putArray("layers_to_transform");
      layersToTransform.forEach(a::add);
    }
    o.putObject("loftq_config");
    putNumber(o, "lora_alpha", loraAlpha);
    o.put("lora_dropout", loraDropout);
    o.putNull("megatron_config");
    o.put("megatron_core", "megatron.core");
    if (modulesToSave == null) o.putNull("modules_to_save");
    else {
      ArrayNode a = o.putArray("modules_to_save");
      modulesToSave.forEach(a::add);
    }
    o.put("peft_type", peftType);
    o.put("r", r);
    ObjectNode rp = o.putObject("rank_pattern");
    rankPattern.forEach(rp::put);
    o.putNull("revision");
    if (targetRegex != null) o.put("target_modules", targetRegex);
    else {
      ArrayNode a = o.putArray("target_modules");
      targetModules.forEach(a::add);
    }
    o.put("task_type", taskType);
    o.put("use_dora", false);
    o.put("use_rslora", useRslora);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(FILE), json.writeValueAsString(o) + "\n");
  }

  /** An integral value as a JSON integer (PEFT writes lora_alpha as an int), otherwise as a double. */
  private static void putNumber(ObjectNode o, String key, double v) {
    if (v == Math.rint(v) && Math.abs(v) < Integer.MAX_VALUE) o.put(key, (int) v);
    else o.put(key, v);
  }
}
