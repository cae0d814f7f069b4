package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The dtype rule: {@code auto} is float16 on CUDA and float32 on the CPU; explicit types are kept on both. */
class ComputeTypeTest {
  @Test
  void theTable() {
    // setting × device kind → compute type
    String[][] table = {
        {"auto", "cuda", "float16"},
        {"auto", "cpu", "float32"},
        {"float32", "cuda", "float32"},
        {"float32", "cpu", "float32"},
        {"float16", "cuda", "float16"},
        {"float16", "cpu", "float16"},
    };
    for (String[] row : table) {
      assertEquals(row[2], ComputeType.resolve(row[0], row[1].equals("cuda")).key(), String.join(" ", row));
    }
  }

  @Test
  void autoIsNotAType() {
    assertThrows(IllegalArgumentException.class, () -> ComputeType.parse("auto"));
    ComputeType.checkSetting("auto"); // but a valid setting
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComputeType.resolve("fp8", false));
    assertEquals("expected auto, float32 or float16, got 'fp8'", e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ComputeType.checkSetting("bfloat16")).getMessage()
        .startsWith("bfloat16 is not supported"));
  }

  @Test
  void localOptionsResolveAutoAgainstTheirDevice() {
    // cpu names no CUDA device, so auto is float32 without asking DJL; gpu is CUDA by definition (opening fails later
    // without one, with DeviceChoice's line)
    assertEquals("float32", new LocalOptions("auto", "cpu", null).dtype());
    assertEquals("float16", new LocalOptions("auto", "gpu", null).dtype());
    assertEquals("float32", new LocalOptions(null, "cpu", null).dtype());
    assertEquals("float16", new LocalOptions("float16", "cpu", null).dtype());
    // the CPU-only libtorch of the test build sees no GPU: auto device, auto dtype → float32
    assertEquals(DeviceChoice.libtorch().gpus() > 0 ? "float16" : "float32", new LocalOptions("auto", "auto", null).dtype());
  }
}
