package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.local.linear.Projection;
import org.junit.jupiter.api.Test;

/**
 * What an NF4 model keeps resident, counted over every array alive under the engine's root manager after the load, equals
 * a hand count: per projection of n weights, ceil(n / 64) blocks of 32 code bytes (two 4-bit codes a byte) and one
 * float32 absmax, plus the projection's 256 × 2 float32 byte-to-value table (2,048 bytes); everything that is not a
 * projection (embeddings, lm_head, norms) exactly as in the unquantized model. So no float copy of a quantized weight
 * stays behind: keeping one adds its bytes and fails the count. On these tiny checkpoints the embeddings dominate; the
 * linear part's ratio to float16 tends to 36 / 128 = 0.28 per weight as n grows (the table is a fixed 2 KiB per
 * projection: 0.02% of one 4096 × 4096 projection's NF4 bytes).
 */
class Nf4ResidentBytesTest {
  static long resident(NDManager root) {
    long b = 0;
    for (NDArray a : root.getManagedArrays()) b += a.size() * a.getDataType().getNumOfBytes();
    return b;
  }

  @Test
  void nf4ResidentBytesAreCodesAbsmaxAndTablesPlusTheUnquantizedRest() {
    for (String name : new String[] {"tiny-random-llama", "tiny-llama-gqa"}) {
      long plain;
      long plainLinear;
      try (LocalEngine e = LocalEngine.open(Golden.model(name), new LocalOptions("float16", "cpu", null, "none"))) {
        plain = resident(e.manager());
        plainLinear = e.weightBytes().linear();
      }
      try (LocalEngine e = LocalEngine.open(Golden.model(name), new LocalOptions("float16", "cpu", null, "nf4"))) {
        long expectedLinear = 0;
        int projections = 0;
        for (Projection p : e.model().projections()) {
          long blocks = (p.elements() + 63) / 64;
          expectedLinear += blocks * (32 + 4) + 256 * 2 * 4;
          projections++;
        }
        assertTrue(projections > 0, name);
        long rest = plain - plainLinear;
        assertEquals(rest + expectedLinear, resident(e.manager()), name + ": " + projections + " projections, "
            + plainLinear + " float16 linear bytes, " + rest + " other bytes");
      }
    }
  }
}
