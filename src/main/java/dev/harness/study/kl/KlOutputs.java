package dev.harness.study.kl;

import dev.harness.HarnessException;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlFlag;
import dev.harness.metrics.kl.PromptDivergence;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes {@code kl_ranking.csv} and {@code kl_report.md}, and prints the compact top-N table. */
public final class KlOutputs {
  public static final String CSV = "kl_ranking.csv";
  public static final String REPORT = "kl_report.md";

  private KlOutputs() {}

  /** Writes both files into {@code dir} (created); returns their paths. */
  public static List<Path> write(DumpComparison run, Path dir, int top) {
    try {
      Files.createDirectories(dir);
      Path csv = dir.resolve(CSV), md = dir.resolve(REPORT);
      try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
        writeCsv(run, w);
      }
      try (Writer w = Files.newBufferedWriter(md, StandardCharsets.UTF_8)) {
        writeReport(run, top, w);
      }
      return List.of(csv, md);
    } catch (IOException e) {
      throw HarnessException.failure("writing the kl outputs to " + dir + ": " + e.getMessage(), e);
    }
  }

  static final List<String> CSV_COLUMNS = List.of("rank", "prompt_id", "estimator", "value", "ci_low", "ci_high",
      "forward", "reverse", "n_samples", "n_tokens", "mean_coverage", "min_coverage", "low_coverage_fraction",
      "tvd_low", "tvd_high", "flags", "extra");

  static void writeCsv(DumpComparison run, Writer w) throws IOException {
    writeCsv(run.ranked(), w);
  }

  /** The ranking CSV of prompts already in rank order (the tool and the study write it through this one method). */
  public static void writeCsv(List<PromptDivergence> ranked, Writer w) throws IOException {
    w.write(String.join(",", CSV_COLUMNS) + "\n");
    int rank = 0;
    for (PromptDivergence d : ranked) {
      rank++;
      String extra = d.extra().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + num(e.getValue()))
          .collect(Collectors.joining(";"));
      w.write(String.join(",", String.valueOf(rank), csv(d.promptId()), d.estimator().id(), num(d.value()),
          num(d.ciLow()), num(d.ciHigh()), num(d.forward()), num(d.reverse()), String.valueOf(d.nSamples()),
          String.valueOf(d.nTokens()), num(d.meanCoverage()), num(d.minCoverage()), num(d.lowCoverageFraction()),
          num(d.tvdLow()), num(d.tvdHigh()), csv(flags(d)), csv(extra)) + "\n");
    }
  }

  static void writeReport(DumpComparison run, int top, Writer w) throws IOException {
    PrintWriter out = new PrintWriter(w);
    Estimator est = run.estimator();
    out.println("# Divergence ranking: " + run.a().path().getFileName() + " vs " + run.b().path().getFileName());
    out.println();
    out.println("- A: `" + run.a().path() + "` (models: " + String.join(", ", run.a().models()) + "; "
        + run.a().usableLines() + " responses, " + run.a().linesWithLogprobs() + " with log-probs)");
    out.println("- B: `" + run.b().path() + "` (models: " + String.join(", ", run.b().models()) + "; "
        + run.b().usableLines() + " responses, " + run.b().linesWithLogprobs() + " with log-probs)");
    out.println("- estimator: `" + est.id() + "`" + (est.biased() ? " (**biased**)" : "") + "; "
        + (run.teacherForced() ? "teacher-forced scores (cross)" : "alignment: " + run.alignment().name()
            .toLowerCase(Locale.ROOT)));
    out.println("- per prompt: mean over sample pairs of the per-token value (symmetric mean of both directions where"
        + " available), " + pct(run.options().ciLevel()) + " percentile-bootstrap CI over sample pairs ("
        + run.options().bootstrapIters() + " resamples, seed " + run.options().seed() + ")");
    out.println();
    out.println("## What this estimator measures");
    out.println();
    out.println(est.description());
    if (!run.teacherForced() && est != Estimator.MC) {
      out.println();
      out.println(run.alignment() == Alignment.MATCHED
          ? "Without teacher-forced scores, sample i of A is compared with sample i of B only at positions whose"
              + " prefixes agree (up to and including the first differing token), so both top-k lists describe the"
              + " same context."
          : "Positions of independently sampled responses are compared whatever their prefixes"
              + " (POSITIONAL_ALIGNMENT): after the first differing token the two top-k lists describe different"
              + " contexts.");
    }
    out.println();
    out.println("## Summary");
    out.println();
    KlSummary s = run.summary();
    out.println("| statistic | value |");
    out.println("|---|---|");
    out.println("| prompts in both dumps | " + s.nPrompts() + " |");
    out.println("| finite values (n) | " + s.nFinite() + " |");
    out.println("| infinite values | " + s.nInfinite() + " |");
    out.println("| not comparable | " + s.nNan() + " |");
    NaNotes sumNotes = new NaNotes();
    String none = "no prompt has a finite value";
    out.println("| mean (n=" + s.nFinite() + ") | " + sumNotes.cell(s.mean(), "mean", none) + " |");
    out.println("| median (n=" + s.nFinite() + ") | " + sumNotes.cell(s.median(), "median", none) + " |");
    out.println("| min | " + sumNotes.cell(s.min(), "min", none) + " |");
    out.println("| max | " + sumNotes.cell(s.max(), "max", none) + " |");
    if (!sumNotes.isEmpty()) {
      out.println();
      out.println(sumNotes.legend());
    }
    out.println();
    out.println("## Input problems");
    out.println();
    if (run.issues().isEmpty()) out.println("None.");
    for (String line : run.issues().lines()) out.println("- " + md(line));
    out.println();
    List<PromptDivergence> head = run.ranked().subList(0, Math.min(top, run.ranked().size()));
    out.println("## Top " + head.size() + " prompts");
    out.println();
    out.println("| rank | prompt_id | value | CI | forward | reverse | n | tokens | coverage | TVD bracket | flags |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    int rank = 0;
    NaNotes notes = new NaNotes();
    for (PromptDivergence d : head) {
      rank++;
      out.println("| " + rank + " | " + md(d.promptId()) + " | " + valueCell(d) + " | " + notes.interval(d, d.ciLow(), d.ciHigh(), "CI")
          + " | " + notes.cell(d, d.forward(), "forward") + " | " + notes.cell(d, d.reverse(), "reverse") + " | "
          + d.nSamples() + " | " + d.nTokens() + " | " + notes.cell(d, d.meanCoverage(), "coverage") + " | "
          + notes.interval(d, d.tvdLow(), d.tvdHigh(), "TVD bracket") + " | " + flags(d) + " |");
    }
    if (!notes.isEmpty()) {
      out.println();
      out.println(notes.legend());
    }
    out.println();
    out.println("Flags are explained in docs/kl.md (\"Report flags\"). Below: the prompt and the first sample of each side,"
        + " cut at " + EXCERPT_LINES + " lines / " + EXCERPT_CHARS + " characters; every sample is in the dumps.");
    var mapper = KlComparison.mapper();
    try (RandomAccessFile fa = run.a().open(); RandomAccessFile fb = run.b().open()) {
      rank = 0;
      for (PromptDivergence d : head) {
        rank++;
        List<DumpRecord> ra = run.a().read(fa, d.promptId(), mapper), rb = run.b().read(fb, d.promptId(), mapper);
        out.println();
        out.println("### " + rank + ". " + md(d.promptId()) + " — " + est.id() + " " + headline(d));
        if (!d.flags().isEmpty()) out.println("\nflags: " + flags(d));
        out.println();
        out.println("**Prompt**");
        out.println();
        fence(out, excerpt(ra.get(0).prompt(), PROMPT_LINES, PROMPT_CHARS));
        responses(out, "A", ra);
        responses(out, "B", rb);
      }
    }
    out.flush();
  }

  /** The first sample of a side (cut, see {@link #excerpt}) and how many more there are. */
  private static void responses(PrintWriter out, String side, List<DumpRecord> recs) {
    if (recs.isEmpty()) return;
    DumpRecord r = recs.get(0);
    out.println();
    out.println("**" + side + "** (" + md(r.model()) + ", sample " + r.sampleIndex() + " of " + recs.size() + ", "
        + r.tokens().size() + " tokens, " + r.where() + ")");
    out.println();
    fence(out, excerpt(r.text(), EXCERPT_LINES, EXCERPT_CHARS));
  }

  /** Lines and characters shown of a response / a prompt in the top-N detail. */
  static final int EXCERPT_LINES = 12, EXCERPT_CHARS = 1200, PROMPT_LINES = 8, PROMPT_CHARS = 600;

  /**
   * {@code text} cut to at most {@code maxLines} lines and {@code maxChars} characters, with a last line saying how
   * much was left out; unchanged when it fits.
   */
  public static String excerpt(String text, int maxLines, int maxChars) {
    if (text == null) return "(no text)";
    String[] lines = text.split("\n", -1);
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (String line : lines) {
      if (shown == maxLines) break;
      int room = maxChars - sb.length() - (shown > 0 ? 1 : 0);
      if (room <= 0) break;
      if (shown > 0) sb.append('\n');
      sb.append(line, 0, Math.min(line.length(), room));
      shown++;
      if (line.length() > room) break;
    }
    int left = text.length() - sb.length();
    if (left <= 0) return text;
    return sb + "\n… (" + left + " more characters" + (lines.length > shown ? " in " + (lines.length - shown) + " more line" + (lines.length - shown == 1 ? "" : "s") : "")
        + "; full text in the dumps)";
  }

  /** "value [lo, hi], n=…" or the value's n/a reason: for headings, never "nan". */
  static String headline(PromptDivergence d) {
    if (Double.isNaN(d.value())) return valueCell(d) + ", n=" + d.nSamples();
    return num(d.value()) + " [" + (Double.isNaN(d.ciLow()) ? "n/a" : num(d.ciLow())) + ", "
        + (Double.isNaN(d.ciHigh()) ? "n/a" : num(d.ciHigh())) + "], n=" + d.nSamples();
  }

  /** The compact terminal table of the top N. */
  public static void printTop(DumpComparison run, int top, PrintWriter out) {
    out.printf(Locale.ROOT, "%-4s %-28s %12s %-25s %4s %7s %8s  %s%n", "rank", "prompt_id", run.estimator().id(),
        pct(run.options().ciLevel()) + " CI", "n", "tokens", "coverage", "flags");
    int rank = 0;
    NaNotes notes = new NaNotes();
    for (PromptDivergence d : run.ranked()) {
      if (rank == top) break;
      rank++;
      out.printf(Locale.ROOT, "%-4d %-28s %12s %-25s %4d %7d %8s  %s%n", rank, clip(d.promptId(), 28), valueCell(d),
          Double.isNaN(d.value()) ? "n/a" : notes.interval(d, d.ciLow(), d.ciHigh(), "CI"), d.nSamples(), d.nTokens(),
          notes.cell(d, d.meanCoverage(), "coverage"),
          flags(d));
    }
    if (!notes.isEmpty()) out.println(notes.legend());
    KlSummary s = run.summary();
    if (s.nFinite() == 0) {
      out.printf(Locale.ROOT, "n=0 finite (of %d compared; %d infinite, %d not comparable): mean, median, min, max n/a"
          + " (no prompt has a finite value)%n", s.nPrompts(), s.nInfinite(), s.nNan());
    } else {
      out.printf(Locale.ROOT, "n=%d finite (of %d compared; %d infinite, %d not comparable): mean %s, median %s,"
          + " min %s, max %s%n", s.nFinite(), s.nPrompts(), s.nInfinite(), s.nNan(), num(s.mean()), num(s.median()),
          num(s.min()), num(s.max()));
    }
    out.flush();
  }

  public static String flags(PromptDivergence d) {
    return d.flags().stream().sorted().map(KlFlag::name).collect(Collectors.joining(" "));
  }

  /** A table cell: "n/a" (not defined for this estimator, or not computable) instead of "nan". */
  public static String cell(double v) { return Double.isNaN(v) ? "n/a" : num(v); }

  /** A prompt's value for a table: the number, or "n/a: reason" when it cannot be computed (never 0). */
  public static String valueCell(PromptDivergence d) {
    if (!Double.isNaN(d.value())) return num(d.value());
    if (d.flags().contains(KlFlag.NO_TOPK)) return "n/a: no top-k on one side";
    return "n/a: no comparable position";
  }

  /** 6 significant digits; "inf", "nan". */
  public static String num(double v) {
    if (Double.isNaN(v)) return "nan";
    if (v == Double.POSITIVE_INFINITY) return "inf";
    if (v == Double.NEGATIVE_INFINITY) return "-inf";
    if (v == 0) return "0";
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) return s;
    if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return s;
  }

  private static String pct(double level) {
    return num(level * 100) + "%";
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static String md(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private static void fence(PrintWriter out, String text) {
    String fence = "```";
    while (text.contains(fence)) fence += "`";
    out.println(fence);
    out.println(text);
    out.println(fence);
  }
}
