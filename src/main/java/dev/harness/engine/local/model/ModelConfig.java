package dev.harness.engine.local.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.local.weights.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a Hugging Face config.json the forward passes need, normalised across architectures (GPT-2's
 * n_embd/n_layer/n_head map to hidden/layers/heads). {@code eosTokenIds} may be empty.
 */
public record ModelConfig(
    Architecture architecture,
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    int intermediateSize,
    double normEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    boolean mlpBias,
    int maxPositions,
    Integer bosTokenId,
    List<Integer> eosTokenIds) {

  public static final String FILE = "config.json";

  public int kvDim() { return numKvHeads * headDim; }

  public int qDim() { return numHeads * headDim; }

  public static ModelConfig load(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) throw CheckpointException.of(dir, "no " + FILE);
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw CheckpointException.of(file, "not valid JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
    }
    return parse(n, file);
  }

  public static ModelConfig parse(JsonNode n, Path file) {
    JsonNode archs = n.get("architectures");
    if (archs == null || !archs.isArray() || archs.isEmpty()) throw CheckpointException.of(file, "no architectures list");
    Architecture arch = Architecture.of(archs.get(0).asText(), file);
    Reader r = new Reader(n, file);
    List<Integer> eos = idList(n.get("eos_token_id"));
    Integer bos = n.hasNonNull("bos_token_id") ? n.get("bos_token_id").asInt() : null;
    if (arch == Architecture.GPT2) {
      int hidden = r.req("n_embd");
      int heads = r.req("n_head");
      int inner = n.hasNonNull("n_inner") ? n.get("n_inner").asInt() : 4 * hidden;
      String act = n.path("activation_function").asText("gelu_new");
      if (!act.equals("gelu_new")) throw CheckpointException.of(file, "GPT-2 activation_function " + act + " is not supported (gelu_new is)");
      return new ModelConfig(arch, r.req("vocab_size"), hidden, r.req("n_layer"), heads, heads, hidden / heads, inner,
          n.path("layer_norm_epsilon").asDouble(1e-5), 0, null, true, true, true, r.req("n_positions"), bos, eos);
    }
    int hidden = r.req("hidden_size");
    int heads = r.req("num_attention_heads");
    int kvHeads = n.hasNonNull("num_key_value_heads") ? n.get("num_key_value_heads").asInt() : heads;
    int headDim = n.hasNonNull("head_dim") ? n.get("head_dim").asInt() : hidden / heads;
    if (heads % kvHeads != 0) throw CheckpointException.of(file, "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
    String act = n.path("hidden_act").asText("silu");
    if (!act.equals("silu")) throw CheckpointException.of(file, "hidden_act " + act + " is not supported (silu is)");
    boolean attnBias = arch == Architecture.QWEN2 || n.path("attention_bias").asBoolean(false);
    boolean tie = n.path("tie_word_embeddings").asBoolean(false);
    return new ModelConfig(arch, r.req("vocab_size"), hidden, r.req("num_hidden_layers"), heads, kvHeads, headDim,
        r.req("intermediate_size"), n.path("rms_norm_eps").asDouble(1e-6), n.path("rope_theta").asDouble(10000.0),
        ropeScaling(n.get("rope_scaling"), file), tie, attnBias, n.path("mlp_bias").asBoolean(false),
        n.path("max_position_embeddings").asInt(4096), bos, eos);
  }

  private static RopeScaling ropeScaling(JsonNode s, Path file) {
    if (s == null || s.isNull()) return null;
    String type = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
    if (type.equals("default")) return null;
    if (!type.equals("llama3")) throw CheckpointException.of(file, "rope_scaling type " + type + " is not supported (llama3 is)");
    return new RopeScaling(type, s.path("factor").asDouble(8.0), s.path("low_freq_factor").asDouble(1.0),
        s.path("high_freq_factor").asDouble(4.0), s.path("original_max_position_embeddings").asInt(8192));
  }

  private static List<Integer> idList(JsonNode n) {
    List<Integer> out = new ArrayList<>();
    if (n == null || n.isNull()) return out;
    if (n.isArray()) n.forEach(x -> out.add(x.asInt()));
    else out.add(n.asInt());
    return out;
  }

  private record Reader(JsonNode n, Path file) {
    int req(String key) {
      JsonNode v = n.get(key);
      if (v == null || !v.canConvertToInt()) throw CheckpointException.of(file, "missing or non-integer " + key);
      return v.asInt();
    }
  }
}
