package dev.harness.bench;

import dev.harness.engine.local.PeakMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set: now (VmRSS), peak (VmHWM, via {@link PeakMemory}), and resetting the peak. */
final class ProcMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ProcMemory() {}

  /** VmRSS in bytes, null where /proc is absent. */
  static Long rssBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** The 1-minute load average from /proc/loadavg, null where absent. */
  static Double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static Long peakBytes() { return PeakMemory.peakRssBytes(); }

  /** Resets VmHWM to the current RSS (Linux: "5" into clear_refs); false where that is not allowed. */
  static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
