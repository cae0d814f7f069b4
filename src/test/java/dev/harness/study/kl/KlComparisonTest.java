package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.HarnessException;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlFlag;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.metrics.kl.PromptDivergence;
import dev.harness.study.kl.SyntheticDumps.Tok;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KlComparisonTest {
  @TempDir Path dir;

  static final List<String> PROMPTS = List.of("p1", "p2");
  static final KlOptions OPT = new KlOptions(0.5, 1000, 0.95, 3);
  // top3(P) = {a,b,c}, top3(Q) = {b,a,d}: U = {a,b}; P~ = (.4,.3|.3), Q~ = (.25,.35|.4)
  static final double FWD = 0.4 * Math.log(0.4 / 0.25) + 0.3 * Math.log(0.3 / 0.35) + 0.3 * Math.log(0.3 / 0.4);
  static final double REV = 0.25 * Math.log(0.25 / 0.4) + 0.35 * Math.log(0.35 / 0.3) + 0.4 * Math.log(0.4 / 0.3);

  Path write(String name, List<ObjectNode> lines) {
    Path p = dir.resolve(name);
    SyntheticDumps.write(p, lines);
    return p;
  }

  DumpComparison run(Path a, Path b, Estimator e, Alignment al) {
    return KlComparison.run(a, b, new KlComparison.Settings(e, al, OPT, false));
  }

  Path[] categorical(int topK) {
    return new Path[] {write("a.jsonl", Dumps.lines("model-a", Dumps.P, topK, PROMPTS, 20, 8, 1)),
        write("b.jsonl", Dumps.lines("model-b", Dumps.Q, topK, PROMPTS, 20, 8, 2))};
  }

  @Test
  void topkRestEqualsHandComputedCoarsenedKlAndIsALowerBound() {
    Path[] d = categorical(3);
    for (Alignment al : Alignment.values()) {
      DumpComparison run = run(d[0], d[1], Estimator.TOPK_REST, al);
      assertEquals(2, run.ranked().size());
      for (PromptDivergence r : run.ranked()) {
        assertEquals(FWD, r.forward(), 1e-12);
        assertEquals(REV, r.reverse(), 1e-12);
        assertEquals((FWD + REV) / 2, r.value(), 1e-12);
        assertTrue(r.forward() <= Dumps.kl(Dumps.P, Dumps.Q));
        assertTrue(r.reverse() <= Dumps.kl(Dumps.Q, Dumps.P));
        double tvd = Dumps.tvd(Dumps.P, Dumps.Q);
        assertEquals(0.15, r.tvdLow(), 1e-12);
        assertEquals(0.45, r.tvdHigh(), 1e-12);
        assertTrue(r.tvdLow() <= tvd && tvd <= r.tvdHigh());
        assertEquals(0.65, r.meanCoverage(), 1e-12); // 0.7 along A, 0.6 along B
        assertEquals(0.6, r.minCoverage(), 1e-12);
        assertEquals(20, r.nSamples());
        assertEquals(r.value(), r.ciLow(), 1e-12);
        assertEquals(al == Alignment.POSITIONAL, r.flags().contains(KlFlag.POSITIONAL_ALIGNMENT));
        if (al == Alignment.POSITIONAL) assertEquals(2 * 20 * 8, r.nTokens());
        else assertTrue(r.nTokens() < 2 * 20 * 8 && r.nTokens() >= 2 * 20);
      }
      assertTrue(run.issues().isEmpty(), run.issues().lines().toString());
    }
  }

  @Test
  void fullTopkCoverageGivesTheExactKl() {
    Path[] d = categorical(5);
    PromptDivergence r = run(d[0], d[1], Estimator.TOPK_REST, Alignment.MATCHED).ranked().get(0);
    assertEquals(Dumps.kl(Dumps.P, Dumps.Q), r.forward(), 1e-12);
    assertEquals(Dumps.kl(Dumps.Q, Dumps.P), r.reverse(), 1e-12);
    assertEquals(Dumps.tvd(Dumps.P, Dumps.Q), r.tvdLow(), 1e-12);
    assertEquals(Dumps.tvd(Dumps.P, Dumps.Q), r.tvdHigh(), 1e-12);
    assertFalse(r.flags().contains(KlFlag.LOW_COVERAGE));
  }

  @Test
  void lowCoverageIsFlagged() {
    Path[] d = categorical(1); // U = {} or {a}: covered mass 0 or 0.4
    PromptDivergence r = run(d[0], d[1], Estimator.TOPK_REST, Alignment.MATCHED).ranked().get(0);
    assertTrue(r.flags().contains(KlFlag.LOW_COVERAGE), r.flags().toString());
    assertTrue(r.lowCoverageFraction() > 0.99);
  }

  @Test
  void identicalDumpsGiveExactlyZero() {
    Path a = write("a.jsonl", Dumps.lines("model-a", Dumps.P, 3, PROMPTS, 5, 8, 1));
    Path b = write("b.jsonl", Dumps.lines("model-a", Dumps.P, 3, PROMPTS, 5, 8, 1));
    for (Estimator e : List.of(Estimator.TOPK_REST, Estimator.TOPK_LOOKUP)) {
      for (PromptDivergence r : run(a, b, e, Alignment.MATCHED).ranked()) {
        assertEquals(0.0, r.value(), e.id());
        assertEquals(0.0, r.ciHigh(), e.id());
      }
    }
  }

  @Test
  void chatAndLegacyFormatsGiveTheSameResult() {
    var sa = Dumps.samples(Dumps.P, 3, PROMPTS, 6, 5, 11);
    var sb = Dumps.samples(Dumps.Q, 3, PROMPTS, 6, 5, 12);
    Path ca = write("ca.jsonl", Dumps.lines("model-a", sa, false));
    Path cb = write("cb.jsonl", Dumps.lines("model-b", sb, false));
    Path la = write("la.jsonl", Dumps.lines("model-a", sa, true));
    Path lb = write("lb.jsonl", Dumps.lines("model-b", sb, true));
    for (Estimator e : List.of(Estimator.TOPK_REST, Estimator.TOPK_LOOKUP)) {
      List<PromptDivergence> chat = run(ca, cb, e, Alignment.POSITIONAL).ranked();
      List<PromptDivergence> legacy = run(la, lb, e, Alignment.POSITIONAL).ranked();
      List<PromptDivergence> mixed = run(ca, lb, e, Alignment.POSITIONAL).ranked();
      for (int i = 0; i < chat.size(); i++) {
        assertEquals(chat.get(i).promptId(), legacy.get(i).promptId());
        assertEquals(chat.get(i).value(), legacy.get(i).value(), 0.0, e.id());
        assertEquals(chat.get(i).value(), mixed.get(i).value(), 0.0, e.id());
        assertEquals(chat.get(i).ciLow(), legacy.get(i).ciLow(), 0.0, e.id());
      }
    }
  }

  @Test
  void textIsRebuiltFromBytesAcrossASplitCharacter() throws Exception {
    byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8); // c3 a9
    List<Tok> toks = List.of(new Tok("caf", Math.log(0.5), Map.of("caf", Math.log(0.5))),
        new Tok("bytes:\\xc3", new byte[] {e[0]}, Math.log(0.5), Map.of("bytes:\\xc3", Math.log(0.5))),
        new Tok("bytes:\\xa9", new byte[] {e[1]}, Math.log(0.9), Map.of("bytes:\\xa9", Math.log(0.9))));
    ObjectNode resp = SyntheticDumps.chatResponse("m", toks);
    ((ObjectNode) resp.path("choices").path(0).path("message")).putNull("content");
    Path a = write("a.jsonl", List.of(SyntheticDumps.line("p", "x", "m", 0, resp)));
    var issues = new DumpIssues();
    DumpIndex idx = DumpIndex.build(a, "A", KlComparison.mapper(), issues);
    try (var f = idx.open()) {
      DumpRecord r = idx.read(f, "p", KlComparison.mapper()).get(0);
      assertEquals("café", r.text());
    }
    // without bytes the token texts are all there is
    List<Tok> noBytes = toks.stream().map(t -> new Tok(t.text(), null, t.logprob(), t.top())).toList();
    ObjectNode r2 = SyntheticDumps.chatResponse("m", noBytes);
    ((ObjectNode) r2.path("choices").path(0).path("message")).putNull("content");
    assertEquals("cafbytes:\\xc3bytes:\\xa9", DumpLine.text(r2, dev.harness.engine.openai.LogprobParser.tokens(r2)));
  }

  @Test
  void problemsAreCountedNotDropped() throws Exception {
    List<ObjectNode> la = new ArrayList<>(Dumps.lines("model-a", Dumps.P, 3, List.of("p1", "onlyA"), 3, 4, 1));
    List<ObjectNode> lb = new ArrayList<>(Dumps.lines("model-b", Dumps.Q, 3, List.of("p1", "onlyB"), 3, 4, 2));
    ObjectNode noLp = SyntheticDumps.chatResponse("model-b", List.of(new Tok("a", -1, Map.of())));
    ((ObjectNode) noLp.path("choices").path(0)).putNull("logprobs");
    lb.add(SyntheticDumps.line("p1", "Prompt p1", "model-b", 7, noLp));
    Path a = write("a.jsonl", la);
    Path b = write("b.jsonl", lb);
    Files.writeString(a, Files.readString(a) + "{\"prompt_id\": \"p1\", \"resp\n\n[1,2]\n{\"prompt\": \"no id\"}\n");
    DumpComparison run = run(a, b, Estimator.TOPK_REST, Alignment.MATCHED);
    DumpIssues is = run.issues();
    assertEquals(2, is.count(DumpIssues.Kind.MALFORMED_LINE));
    assertTrue(is.examples(DumpIssues.Kind.MALFORMED_LINE).get(0).startsWith("a.jsonl:7:"),
        is.examples(DumpIssues.Kind.MALFORMED_LINE).toString());
    assertEquals(1, is.count(DumpIssues.Kind.MISSING_FIELD));
    assertEquals(1, is.count(DumpIssues.Kind.MISSING_LOGPROBS));
    assertTrue(is.examples(DumpIssues.Kind.MISSING_LOGPROBS).get(0).startsWith("b.jsonl:7:"), is.examples(DumpIssues.Kind.MISSING_LOGPROBS).toString());
    assertEquals(1, is.count(DumpIssues.Kind.ONLY_IN_A));
    assertEquals(1, is.count(DumpIssues.Kind.ONLY_IN_B));
    assertTrue(is.examples(DumpIssues.Kind.ONLY_IN_B).get(0).endsWith("onlyB"));
    assertEquals(1, run.ranked().size());
    assertEquals(1, run.compared());
    assertEquals(3, run.ranked().get(0).nSamples()); // the sample without log-probs is not paired
  }

  @Test
  void differentTokenizersAreRefused() {
    Path a = write("a.jsonl", Dumps.lines("model-a", Dumps.P, 3, PROMPTS, 3, 4, 1));
    String[] other = {"▁a", "▁b", "▁c", "▁d", "▁e"};
    Random rnd = new Random(5);
    List<ObjectNode> lb = new ArrayList<>();
    for (String p : PROMPTS) {
      lb.add(SyntheticDumps.line(p, "Prompt " + p, "llama", 0,
          SyntheticDumps.chatResponse("llama", SyntheticDumps.sample(Dumps.log(Dumps.Q), other, 4, 3, rnd))));
    }
    Path b = write("b.jsonl", lb);
    HarnessException ex = assertThrows(HarnessException.class, () -> run(a, b, Estimator.TOPK_REST, Alignment.MATCHED));
    assertEquals(2, ex.exitCode());
    assertTrue(ex.getMessage().contains("different tokenizers") && ex.getMessage().contains("text level"));
    DumpComparison forced = KlComparison.run(a, b,
        new KlComparison.Settings(Estimator.TOPK_REST, Alignment.MATCHED, OPT, true));
    assertEquals(2, forced.ranked().size());
  }

  @Test
  void lineOrderDoesNotMatter() throws Exception {
    Path[] d = categorical(3);
    List<String> lines = new ArrayList<>(Files.readAllLines(d[1]));
    Collections.shuffle(lines, new Random(9));
    Path shuffled = dir.resolve("b-shuffled.jsonl");
    Files.write(shuffled, lines);
    List<PromptDivergence> x = run(d[0], d[1], Estimator.TOPK_LOOKUP, Alignment.MATCHED).ranked();
    List<PromptDivergence> y = run(d[0], shuffled, Estimator.TOPK_LOOKUP, Alignment.MATCHED).ranked();
    assertEquals(x, y);
  }

  /** A's lines carry B's teacher-forced scores of A's tokens. */
  Path[] teacherForced(int topK) {
    var sa = Dumps.samples(Dumps.P, topK, List.of("p1"), 400, 10, 21);
    List<ObjectNode> la = new ArrayList<>();
    for (int i = 0; i < sa.get("p1").size(); i++) {
      List<Tok> toks = sa.get("p1").get(i);
      ObjectNode line = SyntheticDumps.line("p1", "Prompt p1", "model-a", i, SyntheticDumps.chatResponse("model-a", toks));
      la.add(SyntheticDumps.withCross(line, "model-b",
          SyntheticDumps.chatResponse("model-b", Dumps.rescore(toks, Dumps.Q, topK))));
    }
    return new Path[] {write("a.jsonl", la), write("b.jsonl", Dumps.lines("model-b", Dumps.Q, topK, List.of("p1"), 5, 10, 22))};
  }

  @Test
  void mcWithTeacherForcedScoresIsWithinItsCi() {
    Path[] d = teacherForced(3);
    DumpComparison run = run(d[0], d[1], Estimator.MC, Alignment.MATCHED);
    assertTrue(run.teacherForced());
    PromptDivergence r = run.ranked().get(0);
    double exact = Dumps.kl(Dumps.P, Dumps.Q);
    assertTrue(r.ciLow() <= exact && exact <= r.ciHigh(), r.ciLow() + " " + exact + " " + r.ciHigh());
    assertTrue(r.flags().contains(KlFlag.ONE_DIRECTION));
    assertEquals(400, r.nSamples());
    // the same dumps under topk_rest use B's top-k at A's own prefixes: the hand-computed coarsened KL
    PromptDivergence tr = run(d[0], d[1], Estimator.TOPK_REST, Alignment.MATCHED).ranked().get(0);
    assertEquals(FWD, tr.value(), 1e-12);
    assertEquals(4000, tr.nTokens());
  }

  @Test
  void mcWithoutTeacherForcedScoresIsBadUsage() {
    Path[] d = categorical(3);
    HarnessException ex = assertThrows(HarnessException.class, () -> run(d[0], d[1], Estimator.MC, Alignment.MATCHED));
    assertEquals(2, ex.exitCode());
    assertTrue(ex.getMessage().contains("teacher-forced"), ex.getMessage());
  }

  @Test
  void benchHookWritesReadableDumps() {
    Path[] d = SyntheticDumps.generate(dir, 4, 3, 6, 20, 1);
    DumpComparison run = run(d[0], d[1], Estimator.TOPK_REST, Alignment.POSITIONAL);
    assertEquals(4, run.compared());
    assertTrue(run.issues().isEmpty());
    run.ranked().forEach(r -> assertTrue(r.value() > 0 && Double.isFinite(r.value()), r.toString()));
  }
}
