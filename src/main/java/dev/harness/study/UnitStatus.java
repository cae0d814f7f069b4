package dev.harness.study;

import java.util.Map;
import java.util.TreeMap;

/**
 * The units of the current configuration as the store holds them: how many the config defines, how many have an ok
 * row, failed rows by failure type, how many have no row at all, and how many stored rows belong to other
 * configurations (kept, not used).
 */
public record UnitStatus(long current, long done, Map<String, Long> failedByType, long missing, long otherRows) {
  public UnitStatus {
    failedByType = new TreeMap<>(failedByType);
  }

  public long failed() { return failedByType.values().stream().mapToLong(Long::longValue).sum(); }

  /** {@code units: 6 of 8 done, 2 failed (HTTP_5XX 2), 0 missing; 8 stored rows from other configurations}. */
  public String line() {
    StringBuilder sb = new StringBuilder("units: " + done + " of " + current + " done, " + failed() + " failed");
    if (!failedByType.isEmpty()) {
      sb.append(" (");
      failedByType.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(k).append(' ').append(v));
      sb.append(')');
    }
    sb.append(", ").append(missing).append(" missing");
    if (otherRows > 0) sb.append("; ").append(otherRows).append(" stored rows from other configurations (not used)");
    return sb.toString();
  }
}
