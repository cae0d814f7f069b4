package dev.harness.study;

import dev.harness.report.Markdown;
import dev.harness.report.TextFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of a run in which every unit of the current configuration failed: the failure counts by type (each with
 * its n and share of the units), one example of each with its evidence, the provenance line. Written by {@code run}
 * before it exits 1 and by {@code report} when nothing could be scored, so the evidence is readable exactly when it
 * is needed. The rows themselves stay in the study's tables.
 */
public final class FailuresOnlyReport {
  /** One failed unit: its key, failure type and evidence (the engine's message). */
  public record Failed(String unitKey, String type, String evidence) {}

  private FailuresOnlyReport() {}

  /** Writes {@code report.md} in the run folder; returns the phase summary. */
  public static String write(StudyContext ctx, String study, RunProvenance provenance, List<Failed> failed,
      String where) {
    Markdown md = new Markdown();
    md.heading(1, study + ": " + ctx.config().output().expGroupId() + " (failures only)");
    md.paragraph(provenance.line());
    long n = provenance.currentUnits();
    md.paragraph("No unit of the current configuration produced a usable response, so there is nothing to score or "
        + "analyze: " + failed.size() + " failed units among " + n + " (n=" + n + "). Fix the cause below and rerun "
        + "`harness all -c " + ctx.configPath() + "`; failed units are retried.");
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Failed> example = new TreeMap<>();
    for (Failed f : failed) {
      counts.merge(f.type(), 1, Integer::sum);
      example.putIfAbsent(f.type(), f);
    }
    List<List<String>> rows = new java.util.ArrayList<>();
    counts.forEach((type, k) -> rows.add(List.of(type, k + " (n=" + n + ")",
        String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * k / Math.max(1, n)), "`" + example.get(type).unitKey()
            + "`: " + clip(example.get(type).evidence()))));
    md.heading(2, "Failures by type");
    md.table(List.of("type", "units", "share", "example (unit: evidence)"), rows);
    md.paragraph("Every failed unit, with its evidence, is in " + where + " of `" + ctx.store().file().getFileName()
        + "`.");
    Path report = ctx.runDir().resolve("report.md");
    TextFiles.writeAtomically(report, md.toString());
    return "wrote " + report + " (failures only: " + failed.size() + " failed units among " + n + ")";
  }

  private static String clip(String s) {
    if (s == null) return "";
    String one = s.replace('\n', ' ').replace("|", "\\|");
    return one.length() > 200 ? one.substring(0, 200) + "…" : one;
  }
}
