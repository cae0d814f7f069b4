package dev.harness.study.kv;

import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** kv_transition's units for {@code harness status}: current keys by outcome (failure type from {@code failures}). */
final class KvUnitStatus {
  private KvUnitStatus() {}

  static UnitStatus of(StudyContext ctx) {
    Set<String> current = KvRun.currentKeys(ctx);
    RequestTables runs = new RequestTables(ctx.store());
    Set<String> ok = runs.completedUnitKeys();
    Map<String, String> type = new HashMap<>();
    for (ScoreFailureTables.FailureRow f : new ScoreFailureTables(ctx.store()).failures()) type.putIfAbsent(f.unitKey(), f.failureType());
    long done = 0, stored = 0, other = 0;
    Map<String, Long> failed = new HashMap<>();
    for (String k : runs.respondedUnitKeys()) {
      if (!current.contains(k)) {
        other++;
        continue;
      }
      stored++;
      if (ok.contains(k)) done++;
      else failed.merge(type.getOrDefault(k, "ERROR"), 1L, Long::sum);
    }
    return new UnitStatus(current.size(), done, failed, current.size() - stored, other);
  }
}
