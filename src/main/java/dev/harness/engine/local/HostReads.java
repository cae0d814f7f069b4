package dev.harness.engine.local;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Every device→host read of the local engine's forward passes goes through here, and is counted per thread (the engine
 * runs a request on its caller's thread, under its lock). On a GPU each read is a synchronising copy, so the count is
 * what generation's per-token cost is audited by (HostReadsTest): one read per forward pass (the float32 logits rows)
 * plus, in float16, one for the overflow guard's peaks; sampling, log-probs and stop strings then work on that host
 * copy. HostReadsTest also checks the sources, so a read that bypasses this class fails the build's tests.
 */
public final class HostReads {
  private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);

  private HostReads() {}

  /** Reads made on this thread so far (compare two values around the work to count). */
  public static long count() { return COUNT.get()[0]; }

  /** {@code a}'s values as a float array (one read). */
  public static float[] floats(NDArray a) {
    COUNT.get()[0]++;
    return a.toFloatArray();
  }

  /** {@code a}'s float32 values as a buffer over its memory where DJL can give one, else a copy (one read). */
  public static FloatBuffer floatBuffer(NDArray a) {
    COUNT.get()[0]++;
    ByteBuffer b = a.toByteBuffer(true);
    return b.order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
