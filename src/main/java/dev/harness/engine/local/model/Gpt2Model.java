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
 * GPT2LMHeadModel: wte + wpe → N × [LayerNorm → attention → add → LayerNorm → gelu_new MLP → add] → LayerNorm →
 * lm_head tied to wte. Conv1D weights are stored [in, out], so they are used as stored. Tensor names may carry the
 * {@code transformer.} prefix or not.
 */
public final class Gpt2Model implements CausalLM {

  record Layer(NDArray ln1W, NDArray ln1B, Projection attnW, NDArray attnB, Projection projW, NDArray projB,
      NDArray ln2W, NDArray ln2B, Projection fcW, NDArray fcB, Projection mlpProjW, NDArray mlpProjB) {}

  private final ModelConfig cfg;
  private final DataType type;
  private final NDManager weights;
  private final NDArray wte;
  private final NDArray wpe;
  private final NDArray lmHeadT;
  private final NDArray lnFW;
  private final NDArray lnFB;
  private final List<Layer> layers;
  private final List<Projection> projections;
  private final ActiveAdapter active;

  private Gpt2Model(ModelConfig cfg, DataType type, NDManager weights, NDArray wte, NDArray wpe, NDArray lmHeadT,
      NDArray lnFW, NDArray lnFB, List<Layer> layers, List<Projection> projections, ActiveAdapter active) {
    this.cfg = cfg;
    this.type = type;
    this.weights = weights;
    this.wte = wte;
    this.wpe = wpe;
    this.lmHeadT = lmHeadT;
    this.lnFW = lnFW;
    this.lnFB = lnFB;
    this.layers = layers;
    this.projections = List.copyOf(projections);
    this.active = active;
  }

  static Gpt2Model load(ModelConfig c, Checkpoint ckpt, NDManager weights, DataType type, Quantization quant) {
    WeightLoader w = new WeightLoader(ckpt, weights, type, quant);
    String pre = ckpt.has("transformer.wte.weight") ? "transformer." : "";
    long e = c.hiddenSize();
    long inner = c.intermediateSize();
    NDArray wte = w.plain(pre + "wte.weight", c.vocabSize(), e);
    NDArray wpe = w.plain(pre + "wpe.weight", c.maxPositions(), e);
    NDArray lmHeadT = w.has("lm_head.weight") && !c.tieWordEmbeddings()
        ? w.linearT(e, "lm_head.weight", c.vocabSize()) : wte.transpose();
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = pre + "h." + i + ".";
      String mod = "transformer.h." + i + "."; // PEFT's module path inside GPT2LMHeadModel, whatever the tensor prefix
      layers.add(new Layer(
          w.plain(p + "ln_1.weight", e), w.plain(p + "ln_1.bias", e),
          w.conv1d(p + "attn.c_attn.weight", mod + "attn.c_attn", e, 3 * e), w.plain(p + "attn.c_attn.bias", 3 * e),
          w.conv1d(p + "attn.c_proj.weight", mod + "attn.c_proj", e, e), w.plain(p + "attn.c_proj.bias", e),
          w.plain(p + "ln_2.weight", e), w.plain(p + "ln_2.bias", e),
          w.conv1d(p + "mlp.c_fc.weight", mod + "mlp.c_fc", e, inner), w.plain(p + "mlp.c_fc.bias", inner),
          w.conv1d(p + "mlp.c_proj.weight", mod + "mlp.c_proj", inner, e), w.plain(p + "mlp.c_proj.bias", e)));
    }
    return new Gpt2Model(c, type, weights, wte, wpe, lmHeadT, w.plain(pre + "ln_f.weight", e), w.plain(pre + "ln_f.bias", e),
        layers, w.projections(), new ActiveAdapter());
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
    if (start + t > cfg.maxPositions()) {
      throw new IllegalArgumentException("GPT-2 has " + cfg.maxPositions() + " learned positions; sequence needs " + (start + t));
    }
    int[] positions = new int[t];
    long[] idx = new long[t];
    long[] pos = new long[t];
    for (int i = 0; i < t; i++) {
      positions[i] = start + i;
      pos[i] = start + i;
      idx[i] = ids[i];
    }
    NDArray x = wte.get(step, new NDIndex("{}", step.create(idx)));
    try (NDScope scope = new NDScope()) {
      x.addi(wpe.get(step, new NDIndex("{}", step.create(pos))));
    }
    NDArray mask = Ops.causalMask(step, cache.layer(0).length(), t);
    ActivationGuard guard = ActivationGuard.of(type, layers.size());
    for (int i = 0; i < layers.size(); i++) {
      try (NDScope scope = new NDScope()) {
        layer(step, i, layers.get(i), x, mask, cache.layer(i), positions, cache.capture());
      }
      if (guard != null) guard.after("h." + i, x);
    }
    cache.advance(t);
    if (logitsFrom >= t) {
      if (guard != null) guard.check();
      return step.zeros(new ai.djl.ndarray.types.Shape(0, cfg.vocabSize()), DataType.FLOAT32);
    }
    try (NDScope scope = new NDScope()) {
      NDArray h = Ops.layerNorm(x, lnFW, lnFB, cfg.normEps());
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

  private void layer(NDManager step, int index, Layer l, NDArray x, NDArray mask, LayerCache lc, int[] positions,
      PrefillCapture capture) {
    int t = positions.length;
    int heads = cfg.numHeads();
    int d = cfg.headDim();
    double eps = cfg.normEps();
    NDArray h = Ops.layerNorm(x, l.ln1W(), l.ln1B(), eps);
    NDArray qkv = l.attnW().apply(step, h).addi(l.attnB());
    NDList parts = qkv.split(3, 1);
    NDArray q = parts.get(0).reshape(t, heads, d).transpose(1, 0, 2);
    NDArray k = parts.get(1).reshape(t, heads, d).transpose(1, 0, 2);
    NDArray v = parts.get(2).reshape(t, heads, d).transpose(1, 0, 2);
    lc.append(k, v, positions);
    if (capture != null) capture.queries(index, q, positions);
    NDArray attn = Ops.attention(q, lc.keys(step), lc.values(step), mask, heads,
        capture != null && capture.wantsProbs() ? p -> capture.probs(index, p, heads) : null);
    x.addi(l.projW().apply(step, attn).addi(l.projB()));
    NDArray h2 = Ops.layerNorm(x, l.ln2W(), l.ln2B(), eps);
    NDArray m = l.mlpProjW().apply(step, Ops.geluNew(l.fcW().apply(step, h2).addi(l.fcB()))).addi(l.mlpProjB());
    x.addi(m);
  }

  @Override
  public NDArray forwardBatch(NDManager step, int[][] ids, boolean[][] real, BatchKvCache cache, int logitsFrom) {
    int b = ids.length;
    int t = ids[0].length;
    int[] positions = cache.positions(real);
    long[] idx = new long[b * t];
    long[] pos = new long[b * t];
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < t; i++) {
        idx[s * t + i] = ids[s][i];
        pos[s * t + i] = positions[s * t + i];
        if (positions[s * t + i] >= cfg.maxPositions()) {
          throw new IllegalArgumentException("GPT-2 has " + cfg.maxPositions() + " learned positions; sequence needs " + (positions[s * t + i] + 1));
        }
      }
    }
    NDArray x = wte.get(step, new NDIndex("{}", step.create(idx)));
    try (NDScope scope = new NDScope()) {
      x.addi(wpe.get(step, new NDIndex("{}", step.create(pos))));
    }
    NDArray mask = cache.attentionMask(step, real);
    ActivationGuard guard = ActivationGuard.of(type, layers.size());
    for (int i = 0; i < layers.size(); i++) {
      try (NDScope scope = new NDScope()) {
        layerBatch(step, i, layers.get(i), x, mask, cache, b, t);
      }
      if (guard != null) guard.after("h." + i, x);
    }
    cache.advance(real);
    if (logitsFrom >= t) {
      if (guard != null) guard.check();
      return step.zeros(new ai.djl.ndarray.types.Shape(b, 0, cfg.vocabSize()), DataType.FLOAT32);
    }
    try (NDScope scope = new NDScope()) {
      NDArray h = Ops.layerNorm(x, lnFW, lnFB, cfg.normEps());
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

  private void layerBatch(NDManager step, int index, Layer l, NDArray x, NDArray mask, BatchKvCache cache, int b, int t) {
    int heads = cfg.numHeads();
    int d = cfg.headDim();
    double eps = cfg.normEps();
    NDArray h = Ops.layerNorm(x, l.ln1W(), l.ln1B(), eps);
    NDArray qkv = l.attnW().apply(step, h).addi(l.attnB());
    NDList parts = qkv.split(3, 1);
    NDArray q = parts.get(0).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray k = parts.get(1).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    NDArray v = parts.get(2).reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    cache.append(index, k, v);
    NDArray attn = BatchOps.attention(q, cache.keys(index, step), cache.values(index, step), mask, heads);
    x.addi(l.projW().apply(step, attn).addi(l.projB()));
    NDArray h2 = Ops.layerNorm(x, l.ln2W(), l.ln2B(), eps);
    NDArray m = l.mlpProjW().apply(step, Ops.geluNew(l.fcW().apply(step, h2).addi(l.fcB()))).addi(l.mlpProjB());
    x.addi(m);
  }

  @Override
  public void close() { weights.close(); } // owns every projection's arrays, adapters' included
}
