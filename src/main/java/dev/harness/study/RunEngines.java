package dev.harness.study;

import dev.harness.report.EngineTable;
import dev.harness.store.RequestTables;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The recorded runs of a study as {@link EngineTable} columns: one per variant, the first of its runs (seeds, budgets). */
public final class RunEngines {
  private RunEngines() {}

  public static EngineTable.Run of(RequestTables.RunRow r) {
    return new EngineTable.Run(r.variant(), r.engineKind(), r.model(), r.engineInfoJson(), r.environmentJson());
  }

  /**
   * The runs of {@code study} in {@code ctx}'s store, one per variant in the order of {@code variants} (variants
   * without a recorded run are left out).
   */
  public static List<EngineTable.Run> of(StudyContext ctx, String study, List<String> variants) {
    List<RequestTables.RunRow> runs = new RequestTables(ctx.store()).runs();
    List<EngineTable.Run> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String v : variants) {
      if (!seen.add(v)) continue;
      for (RequestTables.RunRow r : runs) {
        if (study.equals(r.study()) && v.equals(r.variant())) {
          out.add(of(r));
          break;
        }
      }
    }
    return out;
  }
}
