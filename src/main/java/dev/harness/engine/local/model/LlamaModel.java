package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.LayerCache;
import dev.harness.engine.local.kv.PrefillCapture;
import dev.harness.engine.local.linear.ActiveAdapter;
import dev.harness.engine.local.linear.Projection;
import dev.harness.engine.local.quant.Quantization;
import dev.harness.engine.local.weights.Checkpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama-family forward pass (LlamaForCausalLM, Qwen2ForCausalLM with q/k/v biases, Qwen3ForCausalLM with q/k
 * RMSNorm): embedding → N × [RMSNorm → attention → add → RMSNorm → SwiGLU MLP → add] → RMSNorm → lm_head.
 */
public final class LlamaModel implements CausalLM {

  /** One decoder layer's weights, linear ones pre-transposed and fused. Nullable: biases, q/k norms. */
  record Layer(NDArray inputNorm, Projection qkv, NDArray qkvBias, NDArray qNorm, NDArray kNorm, Projection o,
      NDArray oBias, NDArray postNorm, Projection gateUp, NDArray gateUpBias, Projection down, NDArray downBias) {}

  private final ModelConfig cfg;
  private final DataType type;
  private final NDManager weights;
  private final NDArray embed;
  private final NDArray lmHeadT;
  private final NDArray finalNorm;
  private final List<Layer> layers;
  private final Rope rope;
  private final List<Projection> projections;
  private final ActiveAdapter active;

  private LlamaModel(ModelConfig cfg, DataType type, NDManager weights, NDArray embed, NDArray lmHeadT,
      NDArray finalNorm, List<Layer> layers, List<Projection> projections, ActiveAdapter active) {
    this.cfg = cfg;
    this.type = type;
    this.weights = weights;
    this.embed = embed;
    this.lmHeadT = lmHeadT;
    this.finalNorm = finalNorm;
    this.layers = layers;
    this.rope = new Rope(cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());
    this.projections = List.copyOf(projections);
    this.active = active;
  }

  static LlamaModel load(ModelConfig c, Checkpoint ckpt, NDManager weights, DataType type, Quantization quant) {
    WeightLoader w = new WeightLoader(ckpt, weights, type, quant);
    long h = c.hiddenSize();
    long q = c.qDim();
    long kv = c.kvDim();
    long inter = c.intermediateSize();
    NDArray embed = w.plain("model.embed_tokens.weight", c.vocabSize(), h);
    NDArray lmHeadT = c.tieWordEmbeddings() ? embed.transpose() : w.linearT(h, "lm_head.weight", c.vocabSize());
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
    return new LlamaModel(c, type, weights, embed, lmHeadT, w.plain("model.norm.weight", h), layers, w.projections(),
        new ActiveAdapter());
  }

  @Override
  public ModelConfig config() { return cfg; }

  @Override
  public DataType dataType() { return type; }

  @Override
  public NDManager weights() { return weights; }

  @Override
  public List<Projection> projections() { return projections; }

  @Override
  public ActiveAdapter activeAdapter() { return active; }

  @Override
  public NDArray forward(NDManager step, int[] ids, KvCache cache, int logitsFrom) {
    int t = ids.length;
    int start = cache.nextPosition();
    int past = cache.layer(0).length();
    int[] positions = new int[t];
    long[] idx = new long[t];
    for (int i = 0; i < t; i++) {
      positions[i] = start + i;
      idx[i] = ids[i];
    }
    NDArray x = embed.get(step, new NDIndex("{}", step.create(idx)));
    NDArray[] cosSin = rope.cosSin(step, positions, type);
    NDArray mask = Ops.causalMask(step, past, t);
    int group = cfg.numHeads() / cfg.numKvHeads();
    if (mask != null && group > 1) mask = mask.tile(new long[] {group, 1});
    ActivationGuard guard = ActivationGuard.of(type, layers.size());
    for (int i = 0; i < layers.size(); i++) {
      try (NDScope scope = new NDScope()) {
        layer(step, i, layers.get(i), x, cosSin, mask, cache.layer(i), positions, cache.capture());
      }
      if (guard != null) guard.after("model.layers." + i, x);
    }
    cache.advance(t);
    if (logitsFrom >= t) {
      if (guard != null) guard.check();
      return step.zeros(new ai.djl.ndarray.types.Shape(0, cfg.vocabSize()), DataType.FLOAT32);
    }
    try (NDScope scope = new NDScope()) {
      NDArray h = Ops.rmsNorm(x, finalNorm, cfg.normEps());
      if (logitsFrom > 0) h = h.get(new NDIndex("{}:", logitsFrom));
      NDArray logits = h.matMul(lmHeadT);
      if (guard != null) {
        guard.after("lm_head", logits);
        guard.check();
      }
      if (logits.getDataType() != DataType.FLOAT32) logits = logits.toType(DataType.FLOAT32, false);
      NDScope.unregister(logits);
      return logits;
    }
  }

  /**
   * Updates x [T, hidden] in place with one decoder layer. Runs inside a per-layer NDScope; the large temporaries are
   * also closed as soon as they are used, so a prefill chunk's peak is one or two activation arrays, not the sum of
   * all of them.
   */
  private void layer(NDManager step, int index, Layer l, NDArray x, NDArray[] cosSin, NDArray mask, LayerCache lc,
      int[] positions, PrefillCapture capture) {
    int t = positions.length;
    double eps = cfg.normEps();
    NDArray h = Ops.rmsNorm(x, l.inputNorm(), eps);
    NDArray qkv = l.qkv().apply(step, h);
    h.close();
    if (l.qkvBias() != null) qkv.addi(l.qkvBias());
    NDList parts = qkv.split(new long[] {cfg.qDim(), cfg.qDim() + cfg.kvDim()}, 1);
    NDArray q = parts.get(0).reshape(t, cfg.numHeads(), cfg.headDim());
    NDArray k = parts.get(1).reshape(t, cfg.numKvHeads(), cfg.headDim());
    NDArray v = parts.get(2).reshape(t, cfg.numKvHeads(), cfg.headDim());
    if (l.qNorm() != null) {
      q = Ops.rmsNorm(q, l.qNorm(), eps);
      k = Ops.rmsNorm(k, l.kNorm(), eps);
    }
    q = Rope.apply(q, cosSin[0], cosSin[1]).transpose(1, 0, 2);
    k = Rope.apply(k, cosSin[0], cosSin[1]).transpose(1, 0, 2);
    lc.append(k, v.transpose(1, 0, 2), positions);
    k.close();
    if (capture != null) capture.queries(index, q, positions);
    NDArray attn = Ops.attention(q, lc.keys(step), lc.values(step), mask, cfg.numKvHeads(),
        capture != null && capture.wantsProbs() ? p -> capture.probs(index, p, cfg.numHeads()) : null);
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
  public NDArray forwardBatch(NDManager step, int[][] ids, boolean[][] real, BatchKvCache cache, int logitsFrom) {
    int b = ids.length;
    int t = ids[0].length;
    int[] positions = cache.positions(real);
    long[] idx = new long[b * t];
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < t; i++) idx[s * t + i] = ids[s][i];
    }
    NDArray x = embed.get(step, new NDIndex("{}", step.create(idx)));
    NDArray[] cosSin = rope.cosSin(step, positions, type);
    NDArray mask = cache.attentionMask(step, real);
    ActivationGuard guard = ActivationGuard.of(type, layers.size());
    for (int i = 0; i < layers.size(); i++) {
      try (NDScope scope = new NDScope()) {
        layerBatch(step, i, layers.get(i), x, cosSin, mask, cache, b, t);
      }
      if (guard != null) guard.after("model.layers." + i, x);
    }
    cache.advance(real);
    if (logitsFrom >= t) {
      if (guard != null) guard.check();
      return step.zeros(new ai.djl.ndarray.types.Shape(b, 0, cfg.vocabSize()), DataType.FLOAT32);
    }
    try (NDScope scope = new NDScope()) {
      NDArray h = Ops.rmsNorm(x, finalNorm, cfg.normEps());
      if (logitsFrom > 0) h = h.reshape(b, t, cfg.hiddenSize()).get(new NDIndex(":, {}:, :", logitsFrom)).reshape(b * (t - logitsFrom), cfg.hiddenSize());
      NDArray logits = h.matMul(lmHeadT).reshape(b, t - logitsFrom, cfg.vocabSize());
      if (guard != null) {
        guard.after("lm_head", logits);
        guard.check();
      }
      if (logits.getDataType() != DataType.FLOAT32) logits = logits.toType(DataType.FLOAT32, false);
      NDScope.unregister(logits);
      return logits;
    }
  }

  /** Updates x [B·T, hidden] in place with one decoder layer over a padded batch. */
  private void layerBatch(NDManager step, int index, Layer l, NDArray x, NDArray[] cosSin, NDArray mask,
      BatchKvCache cache, int b, int t) {
    int n = b * t;
    double eps = cfg.normEps();
    NDArray h = Ops.rmsNorm(x, l.inputNorm(), eps);
    NDArray qkv = l.qkv().apply(step, h);
    if (l.qkvBias() != null) qkv.addi(l.qkvBias());
    NDList parts = qkv.split(new long[] {cfg.qDim(), cfg.qDim() + cfg.kvDim()}, 1);
    NDArray q = parts.get(0).reshape(n, cfg.numHeads(), cfg.headDim());
    NDArray k = parts.get(1).reshape(n, cfg.numKvHeads(), cfg.headDim());
    NDArray v = parts.get(2).reshape(b, t, cfg.numKvHeads(), cfg.headDim());
    if (l.qNorm() != null) {
      q = Ops.rmsNorm(q, l.qNorm(), eps);
      k = Ops.rmsNorm(k, l.kNorm(), eps);
    }
    q = Rope.apply(q, cosSin[0], cosSin[1]).reshape(b, t, cfg.numHeads(), cfg.headDim()).transpose(0, 2, 1, 3);
    k = Rope.apply(k, cosSin[0], cosSin[1]).reshape(b, t, cfg.numKvHeads(), cfg.headDim()).transpose(0, 2, 1, 3);
    cache.append(index, k, v.transpose(0, 2, 1, 3));
    NDArray attn = BatchOps.attention(q, cache.keys(index, step), cache.values(index, step), mask, cfg.numKvHeads());
    NDArray o = l.o().apply(step, attn);
    if (l.oBias() != null) o.addi(l.oBias());
    x.addi(o);
    NDArray h2 = Ops.rmsNorm(x, l.postNorm(), eps);
    NDArray gu = l.gateUp().apply(step, h2);
    if (l.gateUpBias() != null) gu.addi(l.gateUpBias());
    NDList gateUp = gu.split(2, 1);
    NDArray mlp = l.down().apply(step, Ops.silu(gateUp.get(0)).muli(gateUp.get(1)));
    if (l.downBias() != null) mlp.addi(l.downBias());
    x.addi(mlp);
  }

  @Override
  public void close() { weights.close(); } // owns every projection's arrays, adapters' included
}
