package dev.harness.engine.local.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
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
public final class Gpt2Model extends DecoderModel {

  record Layer(NDArray ln1W, NDArray ln1B, Projection attnW, NDArray attnB, Projection projW, NDArray projB,
      NDArray ln2W, NDArray ln2B, Projection fcW, NDArray fcB, Projection mlpProjW, NDArray mlpProjB) {}

  private final Embedding wte;
  private final NDArray wpe;
  private final NDArray lnFW;
  private final NDArray lnFB;
  private final List<Layer> layers;

  private Gpt2Model(ModelConfig cfg, DataType type, NDManager weights, Embedding wte, NDArray wpe, NDArray lmHeadT,
      NDArray lnFW, NDArray lnFB, List<Layer> layers, List<Projection> projections, List<Embedding> tables) {
    super(cfg, type, weights, lmHeadT, layers.size(), projections, tables);
    this.wte = wte;
    this.wpe = wpe;
    this.lnFW = lnFW;
    this.lnFB = lnFB;
    this.layers = layers;
  }

  static Gpt2Model load(ModelConfig c, Checkpoint ckpt, NDManager weights, DataType type, Quantization quant) {
    return new WeightLoader(ckpt, weights, type, quant).load(w -> build(c, ckpt, weights, type, w));
  }

  private static Gpt2Model build(ModelConfig c, Checkpoint ckpt, NDManager weights, DataType type, WeightLoader w) {
    String pre = ckpt.has("transformer.wte.weight") ? "transformer." : "";
    long e = c.hiddenSize();
    long inner = c.intermediateSize();
    boolean untied = w.has("lm_head.weight") && !c.tieWordEmbeddings();
    // wte is resident when tied (lm_head multiplies it whole); untied, it is only gathered (on the CPU, from the file)
    Embedding wte = untied ? w.gathered(pre + "wte.weight", c.vocabSize(), e)
        : Embedding.resident(w.plain(pre + "wte.weight", c.vocabSize(), e));
    NDArray wpe = w.plain(pre + "wpe.weight", c.maxPositions(), e);
    NDArray lmHeadT = untied ? w.linearT(e, "lm_head.weight", c.vocabSize()) : wte.table().transpose();
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
        layers, w.projections(), w.embeddings());
  }

  /** wte + wpe; GPT-2 has {@code n_positions} learned positions and no more. */
  @Override
  NDArray embed(NDManager step, long[] ids, int[] positions) {
    long[] pos = new long[positions.length];
    int last = -1;
    for (int i = 0; i < positions.length; i++) {
      pos[i] = positions[i];
      last = Math.max(last, positions[i]);
    }
    if (last >= cfg.maxPositions()) {
      throw new IllegalArgumentException("GPT-2 has " + cfg.maxPositions() + " learned positions; sequence needs " + (last + 1));
    }
    NDArray x = wte.gather(step, ids);
    try (NDScope scope = new NDScope()) {
      x.addi(wpe.get(step, new NDIndex("{}", step.create(pos))));
    }
    return x;
  }

  @Override
  void layer(NDManager step, int index, NDArray x, NDArray[] rotary, CachedAttention attention) {
    Layer l = layers.get(index);
    long n = x.getShape().get(0);
    int heads = cfg.numHeads();
    int d = cfg.headDim();
    double eps = cfg.normEps();
    NDArray h = Ops.layerNorm(x, l.ln1W(), l.ln1B(), eps);
    NDArray qkv = l.attnW().apply(step, h).addi(l.attnB());
    NDList parts = qkv.split(3, 1);
    NDArray attn = attention.attend(step, index, parts.get(0).reshape(n, heads, d), parts.get(1).reshape(n, heads, d),
        parts.get(2).reshape(n, heads, d));
    x.addi(l.projW().apply(step, attn).addi(l.projB()));
    NDArray h2 = Ops.layerNorm(x, l.ln2W(), l.ln2B(), eps);
    NDArray m = l.mlpProjW().apply(step, Ops.geluNew(l.fcW().apply(step, h2).addi(l.fcB()))).addi(l.mlpProjB());
    x.addi(m);
  }

  @Override
  NDArray finalNorm(NDArray x) { return Ops.layerNorm(x, lnFW, lnFB, cfg.normEps()); }

  @Override
  String layerName(int index) { return "h." + index; }
}
