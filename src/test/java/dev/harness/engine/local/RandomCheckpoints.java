package dev.harness.engine.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.weights.DType;
import dev.harness.engine.local.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small random Hugging Face checkpoints (config.json + model.safetensors) of every supported architecture. */
final class RandomCheckpoints {
  static final ObjectMapper JSON = new ObjectMapper();

  record T(long[] shape, float[] values) {}

  /** Shapes of a model; kvHeads = heads gives plain MHA. */
  record Spec(String arch, int vocab, int hidden, int layers, int heads, int kvHeads, int headDim, int inter,
      boolean tie, boolean llama3Scaling, boolean gpt2Prefix) {}

  static Spec llama() { return new Spec("LlamaForCausalLM", 64, 32, 2, 4, 2, 8, 48, false, true, false); }

  static Spec qwen2() { return new Spec("Qwen2ForCausalLM", 64, 32, 2, 4, 2, 8, 48, true, false, false); }

  static Spec qwen3() { return new Spec("Qwen3ForCausalLM", 64, 32, 2, 4, 1, 16, 48, false, false, false); }

  static Spec gpt2(boolean prefix) { return new Spec("GPT2LMHeadModel", 64, 32, 2, 4, 4, 8, 128, true, false, prefix); }

  static ObjectNode config(Spec s) {
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add(s.arch());
    c.put("vocab_size", s.vocab());
    if (s.arch().startsWith("GPT2")) {
      c.put("n_embd", s.hidden()).put("n_layer", s.layers()).put("n_head", s.heads()).put("n_positions", 128)
          .put("layer_norm_epsilon", 1e-5).put("activation_function", "gelu_new").putNull("n_inner");
      return c;
    }
    c.put("hidden_size", s.hidden()).put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
        .put("num_key_value_heads", s.kvHeads()).put("head_dim", s.headDim()).put("intermediate_size", s.inter())
        .put("rms_norm_eps", 1e-6).put("rope_theta", 10000.0).put("tie_word_embeddings", s.tie())
        .put("max_position_embeddings", 256).put("hidden_act", "silu");
    if (s.llama3Scaling()) {
      c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
          .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 32);
    }
    return c;
  }

  static Map<String, T> tensors(Spec s, long seed) {
    Random r = new Random(seed);
    Map<String, T> m = new LinkedHashMap<>();
    int h = s.hidden();
    if (s.arch().startsWith("GPT2")) {
      String p = s.gpt2Prefix() ? "transformer." : "";
      m.put(p + "wte.weight", rand(r, 0.3, s.vocab(), h));
      m.put(p + "wpe.weight", rand(r, 0.1, 128, h));
      for (int i = 0; i < s.layers(); i++) {
        String l = p + "h." + i + ".";
        m.put(l + "ln_1.weight", norm(r, h));
        m.put(l + "ln_1.bias", rand(r, 0.1, h));
        m.put(l + "attn.c_attn.weight", rand(r, 0.3, h, 3 * h));
        m.put(l + "attn.c_attn.bias", rand(r, 0.1, 3 * h));
        m.put(l + "attn.c_proj.weight", rand(r, 0.3, h, h));
        m.put(l + "attn.c_proj.bias", rand(r, 0.1, h));
        m.put(l + "ln_2.weight", norm(r, h));
        m.put(l + "ln_2.bias", rand(r, 0.1, h));
        m.put(l + "mlp.c_fc.weight", rand(r, 0.3, h, s.inter()));
        m.put(l + "mlp.c_fc.bias", rand(r, 0.1, s.inter()));
        m.put(l + "mlp.c_proj.weight", rand(r, 0.3, s.inter(), h));
        m.put(l + "mlp.c_proj.bias", rand(r, 0.1, h));
      }
      m.put(p + "ln_f.weight", norm(r, h));
      m.put(p + "ln_f.bias", rand(r, 0.1, h));
      return m;
    }
    int q = s.heads() * s.headDim();
    int kv = s.kvHeads() * s.headDim();
    m.put("model.embed_tokens.weight", rand(r, 0.5, s.vocab(), h));
    for (int i = 0; i < s.layers(); i++) {
      String l = "model.layers." + i + ".";
      m.put(l + "input_layernorm.weight", norm(r, h));
      m.put(l + "self_attn.q_proj.weight", rand(r, 0.3, q, h));
      m.put(l + "self_attn.k_proj.weight", rand(r, 0.3, kv, h));
      m.put(l + "self_attn.v_proj.weight", rand(r, 0.3, kv, h));
      if (s.arch().startsWith("Qwen2")) {
        m.put(l + "self_attn.q_proj.bias", rand(r, 0.2, q));
        m.put(l + "self_attn.k_proj.bias", rand(r, 0.2, kv));
        m.put(l + "self_attn.v_proj.bias", rand(r, 0.2, kv));
      }
      if (s.arch().startsWith("Qwen3")) {
        m.put(l + "self_attn.q_norm.weight", norm(r, s.headDim()));
        m.put(l + "self_attn.k_norm.weight", norm(r, s.headDim()));
      }
      m.put(l + "self_attn.o_proj.weight", rand(r, 0.3, h, q));
      m.put(l + "post_attention_layernorm.weight", norm(r, h));
      m.put(l + "mlp.gate_proj.weight", rand(r, 0.3, s.inter(), h));
      m.put(l + "mlp.up_proj.weight", rand(r, 0.3, s.inter(), h));
      m.put(l + "mlp.down_proj.weight", rand(r, 0.3, h, s.inter()));
    }
    m.put("model.norm.weight", norm(r, h));
    if (!s.tie()) m.put("lm_head.weight", rand(r, 0.5, s.vocab(), h));
    return m;
  }

  static Path write(Path dir, ObjectNode config, Map<String, T> tensors, DType dtype) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve("config.json").toFile(), config);
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    tensors.forEach((name, t) -> w.add(name, dtype, t.shape(), t.values()));
    w.write(dir.resolve("model.safetensors"));
    return dir;
  }

  static Path write(Path dir, Spec s, long seed) throws IOException {
    return write(dir, config(s), tensors(s, seed), DType.F32);
  }

  static T rand(Random r, double std, long... shape) {
    long n = 1;
    for (long d : shape) n *= d;
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
    return new T(shape, v);
  }

  static T norm(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (1 + 0.1 * r.nextGaussian());
    return new T(new long[] {n}, v);
  }
}
