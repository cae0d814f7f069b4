package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.linear.Projection;
import dev.harness.engine.local.quant.Quantization;
import dev.harness.engine.local.weights.Checkpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama-family forward pass (LlamaForCausalLM, Qwen2ForCausalLM with q/k/v biases, Qwen3ForCausalLM with q/k
 * RMSNorm): embedding → N × [RMSNorm → attention → add → RMSNorm → SwiGLU MLP → add] → RMSNorm → lm_head. One layer
 * body serves the single-sequence and the batched pass ({@link DecoderModel}); LoRA training has its own
 * differentiable layer ({@code train.TrainableLlama}, whose header says why).
 */
public final class LlamaModel extends DecoderModel {

  /** One decoder layer's weights, linear ones pre-transposed and fused. Nullable: biases, q/k norms. */
  record Layer(NDArray inputNorm, Projection qkv, NDArray qkvBias, NDArray qNorm, NDArray kNorm, Projection o,
      NDArray oBias, NDArray postNorm, Projection gateUp, NDArray gateUpBias, Projection down, NDArray downBias) {}

  private final Embedding embed;
  private final NDArray finalNorm;
  private final List<Layer> layers;
  private final Rope rope;

  private LlamaModel(ModelConfig cfg, DataType type, NDManager weights, Embedding embed, NDArray lmHeadT,
      NDArray finalNorm, List<Layer> layers, List<Projection> projections, List<Embedding> tables) {
    super(cfg, type, weights, lmHeadT, layers.size(), projections, tables);
    this.embed = embed;
    this.finalNorm = finalNorm;
    this.layers = layers;
    this.rope = new Rope(cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());
  }

  static LlamaModel load(ModelConfig c, Checkpoint ckpt, NDManager weights, DataType type, Quantization quant) {
    return new WeightLoader(ckpt, weights, type, quant).load(w -> build(c, ckpt, weights, type, w));
  }

  private static LlamaModel build(ModelConfig c, Checkpoint ckpt, NDManager weights, DataType type, WeightLoader w) {
    long h = c.hiddenSize();
    long q = c.qDim();
    long kv = c.kvDim();
    long inter = c.intermediateSize();
    // tied: lm_head multiplies the whole table, so it is resident; untied: only gathered (on the CPU, from the file)
    Embedding embed = c.tieWordEmbeddings() ? Embedding.resident(w.plain("model.embed_tokens.weight", c.vocabSize(), h))
        : w.gathered("model.embed_tokens.weight", c.vocabSize(), h);
    NDArray lmHeadT = c.tieWordEmbeddings() ? embed.table().transpose() : w.linearT(h, "lm_head.weight", c.vocabSize());
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      String a = p + "self_attn.";
      String m = p + "mlp.";
      Projection qkv = w.linear(h, new String[] {a + "q_proj.weight", a + "k_proj.weight", a + "v_proj.weight"},
          new String[] {a + "q_proj", a + "k_proj", a + "v_proj"}, new long[] {q, kv, kv});
      NDArray qkvBias = c.attentionBias()
          ? w.vectors(new String[] {a + "q_proj.bias", a + "k_proj.bias", a + "v_proj.bias"}, new long[] {q, kv, kv}) : null;
      boolean qkNorm = c.architecture() == Architecture.QWEN3;
      NDArray qNorm = qkNorm ? w.plain(a + "q_norm.weight", c.headDim()) : null;
      NDArray kNorm = qkNorm ? w.plain(a + "k_norm.weight", c.headDim()) : null;
      NDArray oBias = c.attentionBias() && c.architecture() == Architecture.LLAMA ? w.plain(a + "o_proj.bias", h) : null;
      Projection gateUp = w.linear(h, new String[] {m + "gate_proj.weight", m + "up_proj.weight"},
          new String[] {m + "gate_proj", m + "up_proj"}, new long[] {inter, inter});
      NDArray gateUpBias = c.mlpBias() ? w.vectors(new String[] {m + "gate_proj.bias", m + "up_proj.bias"}, new long[] {inter, inter}) : null;
      NDArray downBias = c.mlpBias() ? w.plain(m + "down_proj.bias", h) : null;
      Projection o = w.linear(q, new String[] {a + "o_proj.weight"}, new String[] {a + "o_proj"}, new long[] {h});
      Projection down = w.linear(inter, new String[] {m + "down_proj.weight"}, new String[] {m + "down_proj"}, new long[] {h});
      layers.add(new Layer(w.plain(p + "input_layernorm.weight", h), qkv, qkvBias, qNorm, kNorm, o, oBias,
          w.plain(p + "post_attention_layernorm.weight", h), gateUp, gateUpBias, down, downBias));
    }
    return new LlamaModel(c, type, weights, embed, lmHeadT, w.plain("model.norm.weight", h), layers, w.projections(), w.embeddings());
  }

  @Override
  NDArray embed(NDManager step, long[] ids, int[] positions) { return embed.gather(step, ids); }

  @Override
  NDArray[] rotary(NDManager step, int[] positions) { return rope.cosSin(step, positions, type); }

  /**
   * Updates x [n, hidden] in place with one decoder layer. Runs inside a per-layer NDScope; the large temporaries are
   * also closed as soon as they are used, so a prefill chunk's peak is one or two activation arrays, not the sum of
   * all of them.
   */
  @Override
  void layer(NDManager step, int index, NDArray x, NDArray[] cosSin, CachedAttention attention) {
    Layer l = layers.get(index);
    long n = x.getShape().get(0);
    double eps = cfg.normEps();
    NDArray h = Ops.rmsNorm(x, l.inputNorm(), eps);
    NDArray qkv = l.qkv().apply(step, h);
    h.close();
    if (l.qkvBias() != null) qkv.addi(l.qkvBias());
    NDList parts = qkv.split(new long[] {cfg.qDim(), cfg.qDim() + cfg.kvDim()}, 1);
    NDArray q = parts.get(0).reshape(n, cfg.numHeads(), cfg.headDim());
    NDArray k = parts.get(1).reshape(n, cfg.numKvHeads(), cfg.headDim());
    NDArray v = parts.get(2).reshape(n, cfg.numKvHeads(), cfg.headDim());
    if (l.qNorm() != null) {
      q = Ops.rmsNorm(q, l.qNorm(), eps);
      k = Ops.rmsNorm(k, l.kNorm(), eps);
    }
    q = Rope.apply(q, cosSin[0], cosSin[1]);
    k = Rope.apply(k, cosSin[0], cosSin[1]);
    NDArray attn = attention.attend(step, index, q, k, v);
    k.close();
    q.close();
    qkv.close();
    NDArray o = l.o().apply(step, attn);
    attn.close();
    if (l.oBias() != null) o.addi(l.oBias());
    x.addi(o);
    o.close();
    NDArray h2 = Ops.rmsNorm(x, l.postNorm(), eps);
    NDArray gu = l.gateUp().apply(step, h2);
    h2.close();
    if (l.gateUpBias() != null) gu.addi(l.gateUpBias());
    NDList gateUp = gu.split(2, 1);
    NDArray act = Ops.siluGlu(gateUp.get(0), gateUp.get(1));
    gu.close();
    NDArray mlp = l.down().apply(step, act);
    act.close();
    if (l.downBias() != null) mlp.addi(l.downBias());
    x.addi(mlp);
    mlp.close();
  }

  @Override
  NDArray finalNorm(NDArray x) { return Ops.rmsNorm(x, finalNorm, cfg.normEps()); }

  @Override
  String layerName(int index) { return "model.layers." + index; }
}
