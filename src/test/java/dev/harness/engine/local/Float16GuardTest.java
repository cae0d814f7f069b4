package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.harness.engine.EngineException;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.Models;
import dev.harness.engine.local.weights.CheckpointException;
import dev.harness.engine.local.weights.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** float16's two overflow guards on hand-made checkpoints, and bfloat16 refused before DJL can abort on it. */
class Float16GuardTest {
  @TempDir Path tmp;
  static final int[] IDS = {1, 5, 9, 2, 7};

  /** The model's forward pass over IDS in {@code type} (no tokenizer needed). */
  static float[][] run(Path dir, DataType type) {
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu()); CausalLM model = Models.load(dir, m, type)) {
      return ModelParityTest.fullForward(model, m, IDS);
    }
  }

  private Path checkpoint(String name, DType dtype, String tensor, int index, float value) throws Exception {
    RandomCheckpoints.Spec s = RandomCheckpoints.llama();
    Map<String, RandomCheckpoints.T> t = RandomCheckpoints.tensors(s, 11);
    if (tensor != null) t.get(tensor).values()[index] = value;
    return RandomCheckpoints.write(tmp.resolve(name), RandomCheckpoints.config(s), t, dtype);
  }

  @Test
  void aBf16WeightBeyondFloat16sRangeIsRefusedNamingTheTensor() throws Exception {
    // 1.0e5 truncated to BF16's 8 bits of mantissa is 99840, far beyond float16's 65504
    String tensor = "model.layers.1.mlp.up_proj.weight";
    Path dir = checkpoint("bf16-big", DType.BF16, tensor, 17, 1.0e5f);
    CheckpointException e = assertThrows(CheckpointException.class, () -> run(dir, DataType.FLOAT16));
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains(tensor), e.getMessage());
    assertTrue(e.getMessage().contains("holds values up to |99840|, beyond float16's range (±65504); load it with dtype float32"),
        e.getMessage());
    assertEquals(IDS.length, run(dir, DataType.FLOAT32).length, "float32 holds 1e5 fine");
  }

  @Test
  void float32SourcesAreCheckedTooAndTheBoundaryIsFloat16sMax() throws Exception {
    String tensor = "model.embed_tokens.weight";
    Path over = checkpoint("f32-over", DType.F32, tensor, 3, -65520f); // rounds to -inf in float16
    CheckpointException e = assertThrows(CheckpointException.class, () -> run(over, DataType.FLOAT16));
    assertTrue(e.getMessage().contains(tensor) && e.getMessage().contains("|65520|"), e.getMessage());
    Path at = checkpoint("f32-at", DType.F32, tensor, 3, -65504f); // float16's largest finite value: accepted
    assertEquals(IDS.length, run(at, DataType.FLOAT16).length);
    Path nan = checkpoint("f32-nan", DType.F32, tensor, 3, Float.NaN);
    CheckpointException n = assertThrows(CheckpointException.class, () -> run(nan, DataType.FLOAT16));
    assertTrue(n.getMessage().contains("holds NaN"), n.getMessage());
  }

  @Test
  void activationsThatOverflowInFloat16StopTheRequestNamingTheLayer() throws Exception {
    // every weight fits float16 (|w| ≤ 20000·0.3·5 = 30000 < 65504), but layer 1's MLP output is ~1e5: fine in
    // float32, inf in float16
    RandomCheckpoints.Spec s = RandomCheckpoints.llama();
    Map<String, RandomCheckpoints.T> t = RandomCheckpoints.tensors(s, 11);
    float[] down = t.get("model.layers.1.mlp.down_proj.weight").values();
    for (int i = 0; i < down.length; i++) down[i] *= 20000f;
    Path dir = RandomCheckpoints.write(tmp.resolve("loud"), RandomCheckpoints.config(s), t, DType.F32);
    float[][] f32 = run(dir, DataType.FLOAT32);
    for (float[] row : f32) for (float v : row) assertTrue(Float.isFinite(v), "float32 runs it");
    {
      EngineException e = assertThrows(EngineException.class, () -> run(dir, DataType.FLOAT16));
      assertTrue(e.getMessage().contains("float16 activations overflowed after model.layers.1 (max |x| = "), e.getMessage());
      assertTrue(e.getMessage().endsWith("run with dtype float32"), e.getMessage());
      assertTrue(!e.getMessage().contains("model.layers.0"), "layer 0 is still in range: " + e.getMessage());
    }
    // the same checkpoint without the scaling runs in float16 (the guard does not fire on ordinary activations)
    Path quiet = checkpoint("quiet", DType.F32, null, 0, 0f);
    assertEquals(IDS.length, run(quiet, DataType.FLOAT16).length);
  }

  @Test
  void bfloat16IsRefusedWithOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalOptions("bfloat16", "cpu", null));
    assertEquals("dtype: bfloat16 is not supported: DJL's PyTorch engine aborts the process on bfloat16 tensors; use float16 "
        + "(BF16 checkpoints load into it, range-checked) or float32", e.getMessage());
    assertEquals(ComputeType.FLOAT16, ComputeType.parse("float16"));
    assertThrows(IllegalArgumentException.class, () -> ComputeType.parse("int8"));
  }

  @Test
  void noMainSourceMakesABfloat16Array() throws Exception {
    // DJL's PyTorch engine terminates the JVM on a bfloat16 tensor: BF16 must stay a file format, widened in Java
    Pattern bf16 = Pattern.compile("DataType\\s*\\.\\s*BFLOAT16");
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        assertTrue(!bf16.matcher(Files.readString(f)).find(), f + " names DataType.BFLOAT16");
      }
    }
  }
}
