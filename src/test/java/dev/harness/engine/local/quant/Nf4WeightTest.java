package dev.harness.engine.local.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The native (NDArray) dequantization equals the Java one, transposed to [in, out]. */
class Nf4WeightTest {

  @ParameterizedTest
  @CsvSource({"8, 64, false", "8, 64, true", "3, 30, false", "5, 37, true", "300, 64, true"})
  void nativeDequantizeMatchesJava(int out, int in, boolean dq) {
    Random rnd = new Random(out * 31L + in);
    float[] w = new float[out * in];
    for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
    Nf4Tensor t = Nf4.quantize(w, dq);
    float[] ref = Nf4.dequantize(t);
    try (NDManager m = NDManager.newBaseManager(); NDManager weights = m.newSubManager();
        Nf4Weight nw = Nf4Weight.of(weights, t, out, in, DataType.FLOAT32);
        NDManager step = m.newSubManager()) {
      NDArray wT = nw.dequantize(step);
      assertEquals(new Shape(in, out), wT.getShape());
      assertEquals(DataType.FLOAT32, wT.getDataType());
      float[] got = wT.toFloatArray();
      float[] expected = new float[w.length];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) expected[i * out + o] = ref[o * in + i];
      }
      assertArrayEquals(expected, got, 1e-6f);
      assertEquals(t.bytes(), nw.bytes());
      long before = weights.getManagedArrays().size();
      nw.dequantize(step);
      assertEquals(before, weights.getManagedArrays().size(), "dequantize must not leave arrays in the weights manager");
    }
  }
}
