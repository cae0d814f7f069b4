package dev.harness.engine.local;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.Locale;

/**
 * How libtorch's host allocations are handed back to the system, chosen once per process before the first model
 * loads on the CPU. libtorch's CPU allocator takes every tensor from glibc malloc. By default glibc raises its mmap
 * threshold each time a large block is freed (up to 32 MiB), so after the first forward pass a prefill's activations
 * come from the heap, whose pages stay resident and fragment: on the bench model the process's peak grows by
 * ~130 MB above the model over a few requests, for no live data.
 *
 * <ul>
 *   <li>{@link Policy#COMPACT} (default): {@code mallopt} fixes the mmap threshold at 128 KiB (larger blocks are
 *       mmap'd and unmapped on free; the dynamic raise is off) and caps malloc at one arena. Peak RSS stays at the
 *       model plus one pass's live arrays. The price is a page fault per fresh page of every large activation:
 *       prefill measured ≈2.4× slower on the 2-core development VM (docs/engines.md, Memory).</li>
 *   <li>{@link Policy#GLIBC}: glibc's defaults; fastest prefill, higher peak.</li>
 * </ul>
 *
 * Chosen with {@code HARNESS_HOST_HEAP=compact|glibc} or {@link #choose} (bench's {@code --host-heap}); where
 * {@code MALLOC_MMAP_THRESHOLD_} or {@code MALLOC_ARENA_MAX} is set, the user's glibc settings stand. Only on Linux
 * with glibc. Outputs never depend on it: it changes where freed memory goes, not what is computed.
 */
public final class NativeHeap {
  /** The two policies. */
  public enum Policy {
    COMPACT, GLIBC;

    public static Policy parse(String s, String where) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": expected compact or glibc, got '" + s + "'");
      }
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }
  }

  public static final String ENV = "HARNESS_HOST_HEAP";
  static final int M_MMAP_THRESHOLD = -3;
  static final int M_ARENA_MAX = -8;
  public static final int MMAP_THRESHOLD = 128 * 1024;
  public static final int ARENA_MAX = 1;

  private static Policy chosen;
  private static String state;

  private NativeHeap() {}

  /** Sets the policy before the first model loads; refused once {@link #apply} has run with another one. */
  public static synchronized void choose(Policy p) {
    if (state != null && p != policy()) {
      throw new IllegalStateException("host heap policy is already " + policy().label() + " (" + state + ")");
    }
    chosen = p;
  }

  /** The policy in force: {@link #choose}'s, else {@value #ENV}'s, else compact. */
  public static synchronized Policy policy() {
    if (chosen != null) return chosen;
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? Policy.COMPACT : Policy.parse(env, ENV);
  }

  /** Applies the policy once per process (later calls return the first result); returns {@link #state}. */
  public static synchronized String apply() {
    if (state == null) state = configure(policy());
    return state;
  }

  /** What {@link #apply} did, in one phrase ("not applied" before it ran). */
  public static synchronized String state() { return state == null ? "not applied (no model loaded on the CPU)" : state; }

  private static String configure(Policy p) {
    if (!Platform.isLinux()) return "system allocator (not Linux)";
    if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_ARENA_MAX") != null) {
      return "glibc as set by MALLOC_MMAP_THRESHOLD_ / MALLOC_ARENA_MAX";
    }
    try {
      NativeLibrary c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
      String v = c.getFunction("gnu_get_libc_version").invokeString(new Object[0], false); // absent outside glibc
      if (p == Policy.GLIBC) return "glibc " + v + " defaults (glibc)";
      Function mallopt = c.getFunction("mallopt");
      int a = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD});
      int b = mallopt.invokeInt(new Object[] {M_ARENA_MAX, ARENA_MAX});
      if (a != 1 || b != 1) return "glibc " + v + " defaults (mallopt refused: " + a + ", " + b + ")";
      return "glibc " + v + " compact: mmap threshold " + (MMAP_THRESHOLD / 1024) + " KiB, " + ARENA_MAX + " arena";
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return "system allocator (no glibc: " + e.getMessage() + ")";
    }
  }
}
