package dev.harness.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.model.Architecture;
import dev.harness.engine.local.model.ModelConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchShapeTest {

  @Test
  void benchShapeHasTheIssuesParameterCount() {
    long perLayer = 1024L * 1024 + 1024L * 256 + 1024L * 256 + 1024L * 1024 + 3L * 1024 * 2816 + 2L * 1024;
    long expected = 32000L * 1024 + 32000L * 1024 + 8 * perLayer + 1024;
    assertEquals(155_730_944L, expected);
    assertEquals(expected, BenchShape.bench().paramCount());
  }

  @Test
  void benchShapeTensorsHaveHuggingFaceNamesAndShapes() {
    Map<String, long[]> t = BenchShape.bench().tensors();
    assertEquals(2 + 8 * 9 + 1, t.size());
    assertArrayEquals(new long[] {32000, 1024}, t.get("model.embed_tokens.weight"));
    assertArrayEquals(new long[] {32000, 1024}, t.get("lm_head.weight"));
    assertArrayEquals(new long[] {1024, 1024}, t.get("model.layers.7.self_attn.q_proj.weight"));
    assertArrayEquals(new long[] {256, 1024}, t.get("model.layers.7.self_attn.k_proj.weight"));
    assertArrayEquals(new long[] {256, 1024}, t.get("model.layers.0.self_attn.v_proj.weight"));
    assertArrayEquals(new long[] {1024, 1024}, t.get("model.layers.3.self_attn.o_proj.weight"));
    assertArrayEquals(new long[] {2816, 1024}, t.get("model.layers.3.mlp.gate_proj.weight"));
    assertArrayEquals(new long[] {2816, 1024}, t.get("model.layers.3.mlp.up_proj.weight"));
    assertArrayEquals(new long[] {1024, 2816}, t.get("model.layers.3.mlp.down_proj.weight"));
    assertArrayEquals(new long[] {1024}, t.get("model.layers.5.input_layernorm.weight"));
    assertArrayEquals(new long[] {1024}, t.get("model.layers.5.post_attention_layernorm.weight"));
    assertArrayEquals(new long[] {1024}, t.get("model.norm.weight"));
  }

  @Test
  void benchConfigJsonParsesToTheShape() {
    ObjectNode json = BenchShape.bench().configJson(new ObjectMapper());
    ModelConfig c = ModelConfig.parse(json, Path.of("config.json"));
    assertEquals(Architecture.LLAMA, c.architecture());
    assertEquals(32000, c.vocabSize());
    assertEquals(1024, c.hiddenSize());
    assertEquals(8, c.numLayers());
    assertEquals(16, c.numHeads());
    assertEquals(4, c.numKvHeads());
    assertEquals(64, c.headDim());
    assertEquals(2816, c.intermediateSize());
    assertEquals(1e-5, c.normEps());
    assertEquals(10000.0, c.ropeTheta());
    assertEquals(false, c.tieWordEmbeddings());
    assertEquals(4096, c.maxPositions());
    assertEquals(null, c.ropeScaling());
  }

  @Test
  void tinyShapeCountByHand() {
    // embed + head 256x64 each; per layer q 64x64, k,v 32x64, o 64x64, gate/up/down 3x96x64, 2 norms x64; final norm
    long perLayer = 4096 + 2048 + 2048 + 4096 + 3 * 6144 + 128;
    assertEquals(2 * 16384 + 2 * perLayer + 64, BenchShape.tiny().paramCount());
    assertEquals(94_528L, BenchShape.tiny().paramCount());
  }

  @Test
  void badShapesAndNamesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> BenchShape.named("huge"));
    assertThrows(IllegalArgumentException.class, () -> new BenchShape("x", 10, 10, 1, 3, 1, 8, 16, false));
    assertThrows(IllegalArgumentException.class, () -> new BenchShape("x", 10, 12, 1, 4, 3, 8, 16, false));
  }
}
