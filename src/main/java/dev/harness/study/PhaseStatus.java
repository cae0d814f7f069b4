package dev.harness.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.store.PhaseTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Per phase, from the store and the config alone (nothing is sent or written): done, stale and why (which of its
 * inputs changed, an upstream phase that changed, outputs missing), or not done. The same fingerprints as
 * {@link PhaseRunner}, so "done" here means {@code all} would skip the phase.
 */
public final class PhaseStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PhaseStatus() {}

  public static List<String> lines(Study study, StudyContext ctx) {
    PhaseTable table = new PhaseTable(ctx.store());
    List<String> out = new ArrayList<>();
    String upstream = "";
    String staleUpstream = null;
    for (Step step : study.steps()) {
      Phase p = step.phase();
      Object inputs = step.inputsOf(ctx);
      String fp = PhaseRunner.fingerprint(upstream, inputs);
      upstream = fp;
      Optional<PhaseTable.PhaseRecord> rec = table.get(p.id());
      String line;
      if (rec.isEmpty()) {
        line = "not done";
        if (staleUpstream == null) staleUpstream = p.id();
      } else if (rec.get().fingerprint().equals(fp)) {
        boolean present = step.outputsExist(ctx);
        line = present ? "done at " + rec.get().completedAt() : "stale (outputs missing)";
        if (!present && staleUpstream == null) staleUpstream = p.id();
      } else {
        List<String> changed = changedKeys(rec.get().inputsJson(), PhaseRunner.canonical(inputs));
        line = "stale (" + (changed == null ? "inputs changed"
            : changed.isEmpty() ? "upstream " + (staleUpstream == null ? "phase" : staleUpstream) + " changed"
                : "changed: " + String.join(", ", changed)) + ")";
        if (staleUpstream == null) staleUpstream = p.id();
      }
      out.add(p.id() + ": " + line);
    }
    return out;
  }

  /** The top-level input keys whose values differ; null when the record holds no inputs (before schema 7). */
  static List<String> changedKeys(String before, String now) {
    if (before == null) return null;
    try {
      JsonNode a = JSON.readTree(before), b = JSON.readTree(now);
      TreeSet<String> keys = new TreeSet<>();
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) keys.add(it.next());
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) keys.add(it.next());
      List<String> out = new ArrayList<>();
      for (String k : keys) if (!java.util.Objects.equals(a.get(k), b.get(k))) out.add(k);
      return out;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
