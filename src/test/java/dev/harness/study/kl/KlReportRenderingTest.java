package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlFlag;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.metrics.kl.PromptDivergence;
import dev.harness.study.kl.SyntheticDumps.Tok;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kl report (harness kl's kl_report.md and terminal table): no "nan", documented flags, bounded length. */
class KlReportRenderingTest {
  @TempDir Path dir;
  static final KlOptions OPT = new KlOptions(0.5, 200, 0.95, 3);
  static final Pattern NAN = Pattern.compile("(?i)\\bnan\\b");

  Path write(String name, List<ObjectNode> lines) {
    Path p = dir.resolve(name);
    SyntheticDumps.write(p, lines);
    return p;
  }

  /** mc over dumps where only A carries teacher-forced scores: reverse, coverage and TVD bracket are NaN. */
  DumpComparison oneDirectionMc(int prompts, int samples, String prompt) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < prompts; i++) ids.add("p" + i);
    var sa = Dumps.samples(Dumps.P, 3, ids, samples, 6, 21);
    List<ObjectNode> la = new ArrayList<>();
    sa.forEach((id, list) -> {
      for (int i = 0; i < list.size(); i++) {
        List<Tok> toks = list.get(i);
        ObjectNode line = SyntheticDumps.line(id, prompt, "model-a", i, SyntheticDumps.chatResponse("model-a", toks));
        la.add(SyntheticDumps.withCross(line, "model-b", SyntheticDumps.chatResponse("model-b", Dumps.rescore(toks, Dumps.Q, 3))));
      }
    });
    List<ObjectNode> lb = new ArrayList<>();
    Dumps.samples(Dumps.Q, 3, ids, samples, 6, 22).forEach((id, list) -> {
      for (int i = 0; i < list.size(); i++) lb.add(SyntheticDumps.line(id, prompt, "model-b", i, SyntheticDumps.chatResponse("model-b", list.get(i))));
    });
    return KlComparison.run(write("a.jsonl", la), write("b.jsonl", lb),
        new KlComparison.Settings(Estimator.MC, Alignment.MATCHED, OPT, false));
  }

  @Test
  void nanInputsRenderAsNaWithTheirReasonNeverNan() throws Exception {
    DumpComparison run = oneDirectionMc(3, 4, "Prompt");
    PromptDivergence d = run.ranked().get(0);
    assertTrue(Double.isNaN(d.reverse()) && Double.isNaN(d.meanCoverage()) && Double.isNaN(d.tvdLow()), d.toString());
    assertTrue(d.flags().contains(KlFlag.ONE_DIRECTION));
    StringWriter md = new StringWriter();
    KlOutputs.writeReport(run, 10, md);
    assertFalse(NAN.matcher(md.toString()).find(), md.toString());
    assertTrue(md.toString().contains("| n/a | [n/a, n/a] |"), md.toString());
    assertTrue(md.toString().contains("reverse: only one direction has scores (ONE_DIRECTION)"), md.toString());
    assertTrue(md.toString().contains("coverage, TVD bracket: " + NaNotes.TOPK_UNDEFINED), md.toString());
    StringWriter top = new StringWriter();
    KlOutputs.printTop(run, 10, new PrintWriter(top));
    assertFalse(NAN.matcher(top.toString()).find(), top.toString());
    assertTrue(top.toString().contains("n/a — coverage: " + NaNotes.TOPK_UNDEFINED), top.toString());
  }

  @Test
  void naNotesGiveOneLegendLinePerReasonAndNumbersOtherwise() {
    NaNotes n = new NaNotes();
    assertEquals("1.5", n.cell(1.5, "mean", "x"));
    assertTrue(n.isEmpty());
    assertEquals("n/a", n.cell(Double.NaN, "mean", "no prompt has a finite value"));
    assertEquals("n/a", n.cell(Double.NaN, "median", "no prompt has a finite value"));
    assertEquals("n/a", n.cell(Double.NaN, "CI", "one sample pair (SINGLE_SAMPLE)"));
    assertEquals("n/a — mean, median: no prompt has a finite value; CI: one sample pair (SINGLE_SAMPLE).", n.legend());
  }

  @Test
  void everyFlagIsDocumentedInKlMd() throws Exception {
    String doc = Files.readString(Path.of("docs/kl.md"));
    int section = doc.indexOf("## Report flags");
    assertTrue(section >= 0, "docs/kl.md has a 'Report flags' section");
    String flags = doc.substring(section);
    for (KlFlag f : KlFlag.values()) {
      assertTrue(Pattern.compile("^- `" + f.name() + "`", Pattern.MULTILINE).matcher(flags).find(),
          f.name() + " is documented as a bullet of docs/kl.md's 'Report flags'");
    }
  }

  @Test
  void reportLengthIsBoundedByTopNNotByPromptsSamplesOrTextLength() throws Exception {
    String longPrompt = ("a line of a long prompt, ".repeat(8) + "\n").repeat(200);
    int top = 5;
    long bound = 40 + (long) top * (KlOutputs.PROMPT_LINES + 2 * KlOutputs.EXCERPT_LINES + 20);
    for (int prompts : new int[] {10, 60}) {
      DumpComparison run = oneDirectionMc(prompts, 8, longPrompt);
      StringWriter md = new StringWriter();
      KlOutputs.writeReport(run, top, md);
      long lines = md.toString().lines().count();
      assertTrue(lines <= bound, prompts + " prompts: " + lines + " lines > " + bound);
      assertTrue(md.toString().contains("more characters in"), "the long prompt is cut");
    }
  }

  @Test
  void excerptCutsAtLinesOrCharactersAndSaysHowMuchIsLeft() {
    assertEquals("short\ntext", KlOutputs.excerpt("short\ntext", 3, 100));
    // 5 lines of 3 chars; 2 lines shown = "aaa\nbbb" (7 chars), 19 − 7 = 12 left in 3 more lines
    assertEquals("aaa\nbbb\n… (12 more characters in 3 more lines; full text in the dumps)",
        KlOutputs.excerpt("aaa\nbbb\nccc\nddd\neee", 2, 100));
    // one long line cut at 4 characters: 6 left, no more lines
    assertEquals("abcd\n… (6 more characters; full text in the dumps)", KlOutputs.excerpt("abcdefghij", 5, 4));
    assertEquals("(no text)", KlOutputs.excerpt(null, 5, 4));
  }
}
