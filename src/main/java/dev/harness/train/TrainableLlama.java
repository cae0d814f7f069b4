package dev.harness.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.harness.engine.local.model.Architecture;
import dev.harness.engine.local.model.ModelConfig;
import dev.harness.engine.local.model.Rope;
import dev.harness.engine.local.weights.Checkpoint;
import dev.harness.engine.local.weights.CheckpointException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A differentiable Llama-family forward (Llama; Qwen2 with q/k/v biases; Qwen3 with per-head q/k RMSNorm) for LoRA
 * training: the frozen base in float32, float16 or NF4 ({@link FrozenLinear}), the LoRA matrices as the only arrays
 * that take gradients. Written with out-of-place ops only, over right-padded batches [B, T] (causal attention keeps
 * every real position independent of the padding after it, so no padding mask is needed). Each targeted projection
 * computes y = base(x) + scaling · B(A(dropout(x))).
 *
 * <p>Why this layer is not the inference one ({@code engine.local.model.LlamaModel} through {@code DecoderModel}):
 * that layer works in place ({@code addi}, {@code muli}, RMSNorm scaled in place) on arrays the backward pass needs,
 * closes its temporaries in per-layer {@code NDScope}s, runs fused q|k|v and gate|up projections whose adapter is
 * fixed weights of the loaded model (not this step's gradient leaves with LoRA dropout), and keeps transformers'
 * inference numerics (float16 casts, a −∞ mask) where training needs float32 and a finite mask. Sharing it would
 * change the numerics of both; see docs/architecture.md, Decisions.
 */
public final class TrainableLlama implements AutoCloseable {
  record Layer(NDArray inputNorm, NDArray postNorm, NDArray qNorm, NDArray kNorm, FrozenLinear[] proj) {}

  /** Projection order inside {@link Layer#proj}, with their PEFT module names. */
  static final String[] NAMES = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
      "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

  private final ModelConfig cfg;
  private final NDManager weights;
  private final NDArray embed;
  private final NDArray lmHead;
  private final NDArray finalNorm;
  private final List<Layer> layers;
  private final Rope rope;
  private final List<LoraModule> lora;
  private final java.util.Map<String, LoraModule> loraByPath = new java.util.HashMap<>();
  private final double scaling;
  private final double dropout;

  private TrainableLlama(ModelConfig cfg, NDManager weights, NDArray embed, NDArray lmHead, NDArray finalNorm,
      List<Layer> layers, List<LoraModule> lora, double scaling, double dropout) {
    this.cfg = cfg;
    this.weights = weights;
    this.embed = embed;
    this.lmHead = lmHead;
    this.finalNorm = finalNorm;
    this.layers = layers;
    this.rope = new Rope(cfg.headDim(), cfg.ropeTheta(), cfg.ropeScaling());
    this.lora = lora;
    for (LoraModule m : lora) loraByPath.put(m.path(), m);
    this.scaling = scaling;
    this.dropout = dropout;
  }

  /**
   * Loads the frozen base from {@code dir} and initialises LoRA on the modules whose name is in
   * {@code lora.target_modules} (A Kaiming-uniform from {@code seed}, B zeros).
   */
  public static TrainableLlama load(Path dir, NDManager parent, BaseFormat format, LoraSettings settings, long seed) {
    ModelConfig cfg = ModelConfig.load(dir);
    if (cfg.architecture() == Architecture.GPT2) {
      throw CheckpointException.of(dir.resolve(ModelConfig.FILE), "finetune trains Llama-family models (LlamaForCausalLM, "
          + "Qwen2ForCausalLM, Qwen3ForCausalLM); GPT2LMHeadModel is not supported for training");
    }
    NDManager weights = parent.newSubManager();
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      int h = cfg.hiddenSize();
      NDArray embed = ckpt.load(weights, "model.embed_tokens.weight", DataType.FLOAT32, cfg.vocabSize(), h);
      NDArray lmHead = cfg.tieWordEmbeddings() ? embed : ckpt.load(weights, "lm_head.weight", DataType.FLOAT32, cfg.vocabSize(), h);
      List<Layer> layers = new ArrayList<>();
      int[] outs = {cfg.qDim(), cfg.kvDim(), cfg.kvDim(), h, cfg.intermediateSize(), cfg.intermediateSize(), h};
      int[] ins = {h, h, h, cfg.qDim(), h, h, cfg.intermediateSize()};
      for (int i = 0; i < cfg.numLayers(); i++) {
        String p = "model.layers." + i + ".";
        FrozenLinear[] proj = new FrozenLinear[NAMES.length];
        for (int j = 0; j < NAMES.length; j++) {
          boolean bias = j < 3 ? cfg.attentionBias()
              : j == 3 ? cfg.attentionBias() && cfg.architecture() == Architecture.LLAMA : cfg.mlpBias();
          proj[j] = format.load(ckpt, weights, p + NAMES[j], outs[j], ins[j], bias);
        }
        boolean qk = cfg.architecture() == Architecture.QWEN3;
        layers.add(new Layer(ckpt.load(weights, p + "input_layernorm.weight", DataType.FLOAT32, h),
            ckpt.load(weights, p + "post_attention_layernorm.weight", DataType.FLOAT32, h),
            qk ? ckpt.load(weights, p + "self_attn.q_norm.weight", DataType.FLOAT32, cfg.headDim()) : null,
            qk ? ckpt.load(weights, p + "self_attn.k_norm.weight", DataType.FLOAT32, cfg.headDim()) : null, proj));
      }
      NDArray norm = ckpt.load(weights, "model.norm.weight", DataType.FLOAT32, h);
      Random rng = new Random(seed);
      List<LoraModule> lora = new ArrayList<>();
      for (int i = 0; i < cfg.numLayers(); i++) {
        for (int j = 0; j < NAMES.length; j++) {
          String name = NAMES[j].substring(NAMES[j].indexOf('.') + 1);
          if (settings.targetModules().contains(name)) {
            lora.add(LoraModule.init("model.layers." + i + "." + NAMES[j], settings.r(), ins[j], outs[j], rng));
          }
        }
      }
      TrainableLlama model = new TrainableLlama(cfg, weights, embed, lmHead, norm, layers, Collections.unmodifiableList(lora),
          settings.scaling(), settings.dropout());
      System.gc(); // NF4 quantizes through Java float arrays: let G1 give that heap back before training starts
      return model;
    } catch (RuntimeException e) {
      weights.close();
      throw e;
    }
  }

  public ModelConfig config() { return cfg; }

  /** The LoRA modules in model order (layer, then q, k, v, o, gate, up, down). */
  public List<LoraModule> lora() { return lora; }

  /** Replaces one module's LoRA matrices (e.g. with an adapter read from disk); shapes must match. */
  public void setLora(String path, float[] a, float[] b) {
    LoraModule m = loraByPath.get(path);
    if (m == null) throw new IllegalArgumentException("no LoRA module " + path + " (targets: " + loraByPath.keySet() + ")");
    if (a.length != m.a.length || b.length != m.b.length) {
      throw new IllegalArgumentException(path + ": LoRA shapes disagree (A " + a.length + " vs " + m.a.length + ", B " + b.length + " vs " + m.b.length + ")");
    }
    System.arraycopy(a, 0, m.a, 0, a.length);
    System.arraycopy(b, 0, m.b, 0, b.length);
  }

  /** Weight bytes of the frozen projections (the ones NF4 quantizes). */
  public long projectionBytes() {
    long sum = 0;
    for (Layer l : layers) for (FrozenLinear f : l.proj()) sum += f.weightBytes();
    return sum;
  }

  /** The number of projection weights (elements), for bytes-per-weight figures. */
  public long projectionWeights() {
    long sum = 0;
    for (Layer l : layers) for (FrozenLinear f : l.proj()) sum += (long) f.in() * f.out();
    return sum;
  }

  /** LoRA leaves for one step; {@code requiresGradient} when training. */
  LoraLeaves leaves(NDManager m, boolean requiresGradient) { return new LoraLeaves(m, lora, requiresGradient); }

  /**
   * The final-normed hidden states [B·T, hidden] of a right-padded batch {@code ids} [B][T] (all rows length T).
   * {@code train}: LoRA dropout on (masks from the engine's random generator, which the trainer seeds per micro-batch).
   */
  public NDArray hidden(NDManager m, int[][] ids, LoraLeaves leaves, boolean train) {
    int b = ids.length;
    int t = ids[0].length;
    long[] flat = new long[b * t];
    for (int s = 0; s < b; s++) {
      if (ids[s].length != t) throw new IllegalArgumentException("batch rows must have one length");
      for (int i = 0; i < t; i++) flat[s * t + i] = ids[s][i];
    }
    NDArray x = embed.get(m, new NDIndex("{}", m.create(flat))).reshape(b, t, cfg.hiddenSize());
    int[] positions = new int[t];
    for (int i = 0; i < t; i++) positions[i] = i;
    NDArray[] cosSin = rope.cosSin(m, positions, DataType.FLOAT32);
    NDArray mask = causalMask(m, t, cfg.numHeads() / cfg.numKvHeads());
    for (int i = 0; i < layers.size(); i++) x = layer(m, i, layers.get(i), x, cosSin, mask, leaves, train);
    return rmsNorm(m, x, finalNorm).reshape(b * t, cfg.hiddenSize());
  }

  /** Logits [N, vocab] of hidden rows [N, hidden]. */
  public NDArray logits(NDArray hiddenRows) { return hiddenRows.matMul(lmHead.transpose()); }

  private NDArray layer(NDManager m, int index, Layer l, NDArray x, NDArray[] cosSin, NDArray mask, LoraLeaves leaves,
      boolean train) {
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    int hd = cfg.headDim();
    String prefix = "model.layers." + index + ".";
    NDArray h = rmsNorm(m, x, l.inputNorm());
    NDArray q = proj(m, prefix, 0, l, h, leaves, train).reshape(b, t, cfg.numHeads(), hd);
    NDArray k = proj(m, prefix, 1, l, h, leaves, train).reshape(b, t, cfg.numKvHeads(), hd);
    NDArray v = proj(m, prefix, 2, l, h, leaves, train).reshape(b, t, cfg.numKvHeads(), hd);
    if (l.qNorm() != null) {
      q = rmsNorm(m, q, l.qNorm());
      k = rmsNorm(m, k, l.kNorm());
    }
    q = rotate(q, cosSin).transpose(0, 2, 1, 3);
    k = rotate(k, cosSin).transpose(0, 2, 1, 3);
    v = v.transpose(0, 2, 1, 3);
    long group = cfg.numHeads() / cfg.numKvHeads();
    NDArray qg = q.reshape(b, cfg.numKvHeads(), group * t, hd);
    NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).div(Scalars.of(m, Math.sqrt(hd))).add(mask);
    NDArray attn = scores.softmax(-1).matMul(v)
        .reshape(b, cfg.numHeads(), t, hd).transpose(0, 2, 1, 3).reshape(b, t, (long) cfg.numHeads() * hd);
    x = x.add(proj(m, prefix, 3, l, attn, leaves, train));
    NDArray h2 = rmsNorm(m, x, l.postNorm());
    NDArray gate = proj(m, prefix, 4, l, h2, leaves, train);
    NDArray up = proj(m, prefix, 5, l, h2, leaves, train);
    NDArray act = gate.mul(ai.djl.nn.Activation.sigmoid(gate)).mul(up);
    return x.add(proj(m, prefix, 6, l, act, leaves, train));
  }

  /** base(x) + scaling · dropout(x)·Aᵀ·Bᵀ when the projection carries LoRA. */
  private NDArray proj(NDManager m, String prefix, int j, Layer l, NDArray x, LoraLeaves leaves, boolean train) {
    NDArray y = l.proj()[j].apply(m, x);
    LoraLeaves.Pair p = leaves == null ? null : leaves.get(prefix + NAMES[j]);
    if (p == null) return y;
    NDArray in = x;
    if (train && dropout > 0) {
      NDArray keep = m.randomUniform(0f, 1f, x.getShape()).gte(dropout).toType(DataType.FLOAT32, false);
      in = x.mul(keep).div(Scalars.of(m, 1 - dropout));
    }
    return y.add(in.matMul(p.a().transpose()).matMul(p.b().transpose()).mul(Scalars.of(m, scaling)));
  }

  /** Llama RMSNorm over the last axis: x·(mean(x²)+eps)^(−1/2)·weight (float32). */
  private NDArray rmsNorm(NDManager m, NDArray x, NDArray weight) {
    NDArray inv = x.square().mean(new int[] {-1}, true).add(Scalars.of(m, cfg.normEps())).pow(Scalars.of(m, -0.5));
    return x.mul(inv).mul(weight);
  }

  /** x [B, T, heads, d]·cos + rotate_half(x)·sin with cos/sin [T, 1, d]. */
  private static NDArray rotate(NDArray x, NDArray[] cosSin) {
    long half = x.getShape().getLastDimension() / 2;
    NDList halves = x.split(new long[] {half}, 3);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
    return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
  }

  /**
   * Additive causal mask [group·T, T] (query row r is position r mod T). Hidden entries get −1e9 (a finite large
   * negative, as transformers uses the dtype's minimum): exp(−1e9 − max) is exactly 0 in float32, so the forward equals
   * the −∞ mask's, and no ∞ − ∞ can arise in the backward pass.
   */
  private static NDArray causalMask(NDManager m, int t, long group) {
    float[] mask = new float[(int) (group * t * t)];
    for (int g = 0; g < group; g++) {
      for (int i = 0; i < t; i++) {
        for (int j = i + 1; j < t; j++) mask[(g * t + i) * t + j] = -1e9f;
      }
    }
    return m.create(mask, new Shape(group * t, t));
  }

  /** Every frozen float array (embedding, head, norms, float projection weights): for tests of frozenness. */
  List<NDArray> frozenArrays() {
    List<NDArray> out = new ArrayList<>(List.of(embed, lmHead, finalNorm));
    for (Layer l : layers) {
      out.add(l.inputNorm());
      out.add(l.postNorm());
      if (l.qNorm() != null) out.add(l.qNorm());
      if (l.kNorm() != null) out.add(l.kNorm());
      for (FrozenLinear f : l.proj()) if (f instanceof FloatLinear fl) out.add(fl.weight());
    }
    return out;
  }

  @Override
  public void close() {
    for (Layer l : layers) for (FrozenLinear f : l.proj()) f.close();
    weights.close();
  }
}
