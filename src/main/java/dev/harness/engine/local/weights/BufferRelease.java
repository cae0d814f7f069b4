package dev.harness.engine.local.weights;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Releases the memory behind a direct or memory-mapped {@link ByteBuffer} now (munmap / free) instead of whenever the
 * garbage collector gets to the buffer. On Java 17 the standard way is {@code sun.misc.Unsafe#invokeCleaner} from the
 * {@code jdk.unsupported} module, looked up reflectively here; where it is unavailable, or the buffer is a slice or
 * duplicate, {@link #release} does nothing and the GC frees the buffer later (correct, only later).
 *
 * <p>The caller must guarantee that nothing reads the buffer afterwards — not Java code, not a native tensor created
 * over it without a copy: touching unmapped memory crashes the JVM.
 */
public final class BufferRelease {
  private static final MethodHandle INVOKE_CLEANER = lookup();

  private BufferRelease() {}

  private static MethodHandle lookup() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@link #release} can free buffers immediately on this JVM. */
  public static boolean supported() { return INVOKE_CLEANER != null; }

  /**
   * Unmaps (mapped) or frees (direct) {@code buffer} now. Returns false, leaving the buffer to the GC, when it is null,
   * not direct, a view of another buffer, or the JVM offers no cleaner.
   */
  public static boolean release(ByteBuffer buffer) {
    if (INVOKE_CLEANER == null || buffer == null || !buffer.isDirect()) return false;
    try {
      INVOKE_CLEANER.invokeExact(buffer);
      return true;
    } catch (IllegalArgumentException e) {
      return false; // a slice or duplicate: its parent owns the memory
    } catch (Throwable e) {
      return false;
    }
  }
}
