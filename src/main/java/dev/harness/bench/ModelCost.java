package dev.harness.bench;

import dev.harness.engine.local.model.Architecture;
import dev.harness.engine.local.model.ModelConfig;

/**
 * What one forward pass of a model costs, from its shape: matmul FLOPs for a prefill and weight bytes streamed per
 * decode step. Bias and norm FLOPs are ignored (they are O(hidden) per token).
 *
 * @param totalParams every parameter of the checkpoint
 * @param layerMatmulParams weights of the per-layer matrix products (q, k, v, o, MLP), all layers together
 * @param headParams the output projection (vocab × hidden), applied to the logit rows only
 * @param streamedParams parameters a decode step reads: all but the embedding tables that are only indexed
 *     (an untied input embedding, GPT-2's position table)
 * @param bytesPerParam 4 for float32, 2 for float16 (the engine's compute dtype)
 */
public record ModelCost(long totalParams, long layerMatmulParams, long headParams, long streamedParams,
    int bytesPerParam, int layers, int heads, int headDim) {

  public static final String PREFILL_FORMULA =
      "FLOPs = 2*P_layers*T + 2*P_head*R + 4*L*heads*head_dim*T(T+1)/2  (P_layers: per-layer matmul weights of all "
          + "layers, P_head: vocab*hidden, R: logit rows = 1, attention QK^T and AV counted causally)";
  public static final String DECODE_FORMULA =
      "bytes/token = (params - indexed-only embedding tables) * bytes/param  (KV cache reads not counted)";

  public static ModelCost of(ModelConfig c, long totalParams, int bytesPerParam) {
    long h = c.hiddenSize();
    long inter = c.intermediateSize();
    long perLayer;
    long indexedOnly;
    if (c.architecture() == Architecture.GPT2) {
      perLayer = h * 3 * h + h * h + 2 * h * inter;
      indexedOnly = (long) c.maxPositions() * h + (c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * h);
    } else {
      perLayer = h * (c.qDim() + 2L * c.kvDim()) + (long) c.qDim() * h + 3 * h * inter;
      indexedOnly = c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * h;
    }
    return new ModelCost(totalParams, perLayer * c.numLayers(), (long) c.vocabSize() * h, totalParams - indexedOnly,
        bytesPerParam, c.numLayers(), c.numHeads(), c.headDim());
  }

  public long weightBytes() { return totalParams * bytesPerParam; }

  public long streamedBytesPerToken() { return streamedParams * bytesPerParam; }

  /** Causal attention FLOPs (QK^T and AV) of a fresh prefill of {@code tokens}. */
  public double attentionFlops(int tokens) {
    return 4.0 * layers * heads * headDim * ((double) tokens * (tokens + 1) / 2);
  }

  /** {@link #PREFILL_FORMULA} for {@code tokens} tokens and {@code logitRows} rows of logits. */
  public double prefillFlops(int tokens, int logitRows) {
    return 2.0 * layerMatmulParams * tokens + 2.0 * headParams * logitRows + attentionFlops(tokens);
  }
}
