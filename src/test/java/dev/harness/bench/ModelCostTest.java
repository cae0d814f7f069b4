package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harness.engine.local.model.Architecture;
import dev.harness.engine.local.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCostTest {
  /** vocab 10, hidden 8, 1 layer, 2 heads of 4 (1 KV head), intermediate 16. */
  static ModelConfig tiny(boolean tie) {
    return new ModelConfig(Architecture.LLAMA, 10, 8, 1, 2, 1, 4, 16, 1e-5, 10000, null, tie, false, false, 128, null, List.of());
  }

  @Test
  void prefillFlopsOnAHandComputedCase() {
    // total params: embed 80 + head 80 + q 64 + k 32 + v 32 + o 64 + gate/up/down 384 + norms 16 + final norm 8
    ModelCost c = ModelCost.of(tiny(false), 760, 4);
    // per-layer matmul weights: 8*(8+4+4) + 8*8 + 3*8*16 = 128 + 64 + 384
    assertEquals(576, c.layerMatmulParams());
    assertEquals(80, c.headParams());
    // attention for T = 3: 4 * 1 layer * 2 heads * 4 dims * (3*4/2 = 6 query-key pairs) = 192
    assertEquals(192.0, c.attentionFlops(3));
    // 2*576*3 + 2*80*1 + 192 = 3456 + 160 + 192
    assertEquals(3808.0, c.prefillFlops(3, 1));
    // all logit rows: 2*80*3 instead of 2*80*1
    assertEquals(3456 + 480 + 192, c.prefillFlops(3, 3));
  }

  @Test
  void decodeStreamsEverythingButAnUntiedEmbedding() {
    ModelCost untied = ModelCost.of(tiny(false), 760, 4);
    assertEquals(760 * 4, untied.weightBytes());
    assertEquals((760 - 80) * 4, untied.streamedBytesPerToken());
    ModelCost tied = ModelCost.of(tiny(true), 680, 2); // no lm_head tensor: the head reads the embedding
    assertEquals(680 * 2, tied.streamedBytesPerToken());
  }

  @Test
  void benchShapeCosts() {
    BenchShape s = BenchShape.bench();
    ModelConfig c = ModelConfig.parse(s.configJson(new com.fasterxml.jackson.databind.ObjectMapper()), java.nio.file.Path.of("c"));
    ModelCost cost = ModelCost.of(c, s.paramCount(), 4);
    assertEquals(8L * (1024 * 1536 + 1024 * 1024 + 3 * 1024 * 2816), cost.layerMatmulParams());
    assertEquals((155_730_944L - 32_768_000L) * 4, cost.streamedBytesPerToken());
    assertEquals(155_730_944L * 4, cost.weightBytes());
  }

  @Test
  void gpt2MatmulsAndPositionTable() {
    ModelConfig g = new ModelConfig(Architecture.GPT2, 10, 8, 2, 2, 2, 4, 32, 1e-5, 0, null, true, true, true, 16, null, List.of());
    ModelCost c = ModelCost.of(g, 1000, 4);
    // c_attn 8x24 + c_proj 8x8 + c_fc 8x32 + c_proj 32x8, two layers
    assertEquals(2L * (192 + 64 + 256 + 256), c.layerMatmulParams());
    assertEquals((1000 - 16 * 8) * 4, c.streamedBytesPerToken());
  }
}
