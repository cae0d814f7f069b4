package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/**
 * The compact host-heap policy really changes glibc's behaviour: after a 30 MiB block is freed (which under glibc's
 * defaults raises the mmap threshold to 30 MiB), a 24 MiB block is still served by mmap. glibc marks an mmap'd chunk
 * with bit 0x2 (IS_MMAPPED) of the size word just before the pointer. (A block must be larger than any free chunk the
 * arena may hold, which a small one after many tests is not: malloc reuses free heap space before the threshold
 * matters. Under compact no block above 128 KiB goes to the heap, so no 24 MiB free chunk exists.)
 */
class NativeHeapTest {
  private static boolean glibcDefaultsForced() {
    return System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_ARENA_MAX") != null
        || "glibc".equalsIgnoreCase(System.getenv(NativeHeap.ENV));
  }

  private static boolean glibc() {
    if (!Platform.isLinux()) return false;
    try {
      NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("gnu_get_libc_version");
      return true;
    } catch (UnsatisfiedLinkError e) {
      return false;
    }
  }

  @Test
  void compactServesMidSizedBlocksByMmapEvenAfterALargeFree() {
    assumeTrue(glibc() && !glibcDefaultsForced(), "needs glibc with no MALLOC_* or HARNESS_HOST_HEAP=glibc override");
    String state = NativeHeap.apply();
    assertTrue(state.contains("compact: mmap threshold 128 KiB, 1 arena"), state);
    NativeLibrary c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
    Function malloc = c.getFunction("malloc");
    Function free = c.getFunction("free");
    Pointer big = (Pointer) malloc.invoke(Pointer.class, new Object[] {30L << 20});
    free.invokeVoid(new Object[] {big});
    Pointer mid = (Pointer) malloc.invoke(Pointer.class, new Object[] {24L << 20});
    long sizeWord = mid.getLong(-8);
    free.invokeVoid(new Object[] {mid});
    assertEquals(2, sizeWord & 2, "24 MiB block after a 30 MiB free: mmap'd under compact (size word " + sizeWord + ")");
  }

  @Test
  void thePolicyIsFixedOnceAppliedAndBadNamesAreRefused() {
    String state = NativeHeap.apply();
    assertEquals(state, NativeHeap.apply(), "applied once per process");
    NativeHeap.Policy other = NativeHeap.policy() == NativeHeap.Policy.COMPACT ? NativeHeap.Policy.GLIBC : NativeHeap.Policy.COMPACT;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> NativeHeap.choose(other));
    assertTrue(e.getMessage().startsWith("host heap policy is already " + NativeHeap.policy().label()), e.getMessage());
    NativeHeap.choose(NativeHeap.policy()); // the same one: fine
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> NativeHeap.Policy.parse("fast", "--host-heap"));
    assertEquals("--host-heap: expected compact or glibc, got 'fast'", bad.getMessage());
    assertEquals(NativeHeap.Policy.GLIBC, NativeHeap.Policy.parse(" GLIBC ", "x"));
  }
}
