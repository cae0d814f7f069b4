package dev.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a generated Llama-family checkpoint (LlamaForCausalLM, SwiGLU MLP, GQA, untied or tied head).
 * {@link #bench()} is the realistic default (155.7M parameters); {@link #tiny()} keeps tests fast.
 */
public record BenchShape(String name, int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate,
    int maxPositions, boolean tieEmbeddings) {

  public BenchShape {
    if (vocab < 2 || hidden < 1 || layers < 1 || heads < 1 || kvHeads < 1 || intermediate < 1 || maxPositions < 2) {
      throw new IllegalArgumentException("bench shape: every dimension must be positive: " + name);
    }
    if (hidden % heads != 0) throw new IllegalArgumentException("bench shape: hidden " + hidden + " is not a multiple of heads " + heads);
    if (heads % kvHeads != 0) throw new IllegalArgumentException("bench shape: heads " + heads + " is not a multiple of kv heads " + kvHeads);
  }

  /** hidden 1024, 8 layers, 16 heads (4 KV), intermediate 2816, vocab 32000, untied head. */
  public static BenchShape bench() { return new BenchShape("bench", 32000, 1024, 8, 16, 4, 2816, 4096, false); }

  /** A few-kilobyte shape for tests: hidden 64, 2 layers, 4 heads (2 KV), intermediate 96, vocab 256. */
  public static BenchShape tiny() { return new BenchShape("tiny", 256, 64, 2, 4, 2, 96, 512, false); }

  /** bench or tiny. */
  public static BenchShape named(String name) {
    return switch (name) {
      case "bench" -> bench();
      case "tiny" -> tiny();
      default -> throw new IllegalArgumentException("unknown bench shape '" + name + "' (bench or tiny)");
    };
  }

  public int headDim() { return hidden / heads; }

  public int kvDim() { return kvHeads * headDim(); }

  /** Every tensor of the checkpoint, in file order, with its HF name and shape ([out, in] for linear weights). */
  public Map<String, long[]> tensors() {
    Map<String, long[]> m = new LinkedHashMap<>();
    long h = hidden;
    m.put("model.embed_tokens.weight", new long[] {vocab, h});
    for (int i = 0; i < layers; i++) {
      String p = "model.layers." + i + ".";
      m.put(p + "input_layernorm.weight", new long[] {h});
      m.put(p + "self_attn.q_proj.weight", new long[] {h, h});
      m.put(p + "self_attn.k_proj.weight", new long[] {kvDim(), h});
      m.put(p + "self_attn.v_proj.weight", new long[] {kvDim(), h});
      m.put(p + "self_attn.o_proj.weight", new long[] {h, h});
      m.put(p + "post_attention_layernorm.weight", new long[] {h});
      m.put(p + "mlp.gate_proj.weight", new long[] {intermediate, h});
      m.put(p + "mlp.up_proj.weight", new long[] {intermediate, h});
      m.put(p + "mlp.down_proj.weight", new long[] {h, intermediate});
    }
    m.put("model.norm.weight", new long[] {h});
    if (!tieEmbeddings) m.put("lm_head.weight", new long[] {vocab, h});
    return m;
  }

  /** Sum of the elements of {@link #tensors()}. */
  public long paramCount() {
    long n = 0;
    for (long[] s : tensors().values()) n += elements(s);
    return n;
  }

  static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** config.json of a LlamaForCausalLM with this shape. */
  public ObjectNode configJson(ObjectMapper json) {
    ObjectNode c = json.createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("vocab_size", vocab).put("hidden_size", hidden).put("num_hidden_layers", layers)
        .put("num_attention_heads", heads).put("num_key_value_heads", kvHeads).put("head_dim", headDim())
        .put("intermediate_size", intermediate).put("hidden_act", "silu").put("rms_norm_eps", 1e-5)
        .put("rope_theta", 10000.0).put("tie_word_embeddings", tieEmbeddings)
        .put("max_position_embeddings", maxPositions).put("torch_dtype", "float32");
    return c;
  }
}
