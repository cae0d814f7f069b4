package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.HarnessException;
import dev.harness.study.kl.SyntheticDumps;
import dev.harness.study.kl.SyntheticDumps.Tok;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code kl} in-process (not yet registered in the top command: a CommandLine over KlCommand alone). */
class KlCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter(), err = new StringWriter();

  int kl(String... args) {
    CommandLine cl = new CommandLine(new KlCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, c, pr) -> {
      c.getErr().println("error: " + ex.getMessage());
      return ex instanceof HarnessException he ? he.exitCode() : 1;
    });
    return cl.execute(args);
  }

  static final String[] V = {"a", "b", "c", "d"};

  static double[] log(double... p) {
    double[] l = new double[p.length];
    for (int i = 0; i < p.length; i++) l[i] = Math.log(p[i]);
    return l;
  }

  /** Prompts "far", "mid", "near": B's distribution moves away from A's by decreasing amounts. */
  Path[] dumps() {
    Map<String, double[]> bDist = new LinkedHashMap<>();
    bDist.put("near", log(0.39, 0.31, 0.2, 0.1));
    bDist.put("far", log(0.05, 0.05, 0.2, 0.7));
    bDist.put("mid", log(0.2, 0.4, 0.2, 0.2));
    double[] a = log(0.4, 0.3, 0.2, 0.1);
    Random rnd = new Random(3);
    List<ObjectNode> la = new ArrayList<>(), lb = new ArrayList<>();
    for (var e : bDist.entrySet()) {
      for (int s = 0; s < 4; s++) {
        la.add(SyntheticDumps.line(e.getKey(), "Question " + e.getKey() + "?", "model-a", s,
            SyntheticDumps.chatResponse("model-a", SyntheticDumps.sample(a, V, 6, 3, rnd))));
        lb.add(SyntheticDumps.line(e.getKey(), "Question " + e.getKey() + "?", "model-b", s,
            SyntheticDumps.chatResponse("model-b", SyntheticDumps.sample(e.getValue(), V, 6, 3, rnd))));
      }
    }
    Path pa = dir.resolve("a.jsonl"), pb = dir.resolve("b.jsonl");
    SyntheticDumps.write(pa, la);
    SyntheticDumps.write(pb, lb);
    return new Path[] {pa, pb};
  }

  @Test
  void endToEndWritesCsvAndReportAndPrintsTopN() throws Exception {
    Path[] d = dumps();
    Path outDir = dir.resolve("out");
    int code = kl("--a", d[0].toString(), "--b", d[1].toString(), "--top", "2", "--out", outDir.toString(),
        "--seed", "5", "--align", "positional");
    assertEquals(0, code, err.toString());
    List<String> csv = Files.readAllLines(outDir.resolve("kl_ranking.csv"));
    assertEquals(4, csv.size());
    assertTrue(csv.get(0).startsWith("rank,prompt_id,estimator,value,ci_low,ci_high"));
    assertTrue(csv.get(1).startsWith("1,far,topk_rest,"), csv.get(1));
    assertTrue(csv.get(3).startsWith("3,near,topk_rest,"), csv.get(3));
    String md = Files.readString(outDir.resolve("kl_report.md"));
    assertTrue(md.contains("LOWER BOUND"));
    assertTrue(md.contains("### 1. far"));
    assertTrue(md.contains("### 2. mid"));
    assertFalse(md.contains("### 3."));
    assertTrue(md.contains("Question far?"));
    assertTrue(md.contains("**B** (model-b, sample 0 of 4,"), md); // the first sample of each side; all are in the dumps
    assertTrue(md.contains("| mean (n=3) |"));
    String stdout = out.toString();
    List<String> rows = stdout.lines().filter(l -> l.matches("^[12] .*")).toList();
    assertEquals(2, rows.size(), stdout);
    assertTrue(rows.get(0).contains("far") && rows.get(1).contains("mid"), stdout);
    assertFalse(stdout.contains("near "), stdout);
    assertTrue(stdout.contains("n=3 finite"), stdout);
    assertEquals("", err.toString());
    // same seed, same files
    int again = kl("--a", d[0].toString(), "--b", d[1].toString(), "--top", "2", "--out", outDir.toString(),
        "--seed", "5", "--align", "positional");
    assertEquals(0, again);
    assertEquals(csv, Files.readAllLines(outDir.resolve("kl_ranking.csv")));
  }

  @Test
  void warningsWithExitZeroWhenSomePromptsCompare() throws Exception {
    Path[] d = dumps();
    Files.writeString(d[0], Files.readString(d[0]) + "not json\n");
    int code = kl("--a", d[0].toString(), "--b", d[1].toString(), "--out", dir.resolve("o").toString());
    assertEquals(0, code);
    assertTrue(err.toString().contains("warning: 1 malformed lines") && err.toString().contains("a.jsonl:13"),
        err.toString());
    assertTrue(Files.readString(dir.resolve("o/kl_report.md")).contains("1 malformed lines"));
  }

  @Test
  void exitOneWhenNothingCompares() throws Exception {
    Path[] d = dumps();
    Path other = dir.resolve("other.jsonl");
    Files.writeString(other, Files.readString(d[1]).replace("\"prompt_id\":\"", "\"prompt_id\":\"x-"));
    int code = kl("--a", d[0].toString(), "--b", other.toString(), "--out", dir.resolve("o").toString());
    assertEquals(1, code);
    assertTrue(err.toString().contains("3 prompt ids only in A"), err.toString());
    assertTrue(err.toString().contains("error: no prompt could be compared"), err.toString());
    assertFalse(Files.exists(dir.resolve("o/kl_ranking.csv")));
  }

  @Test
  void badUsageExitsTwo() {
    Path[] d = dumps();
    assertEquals(2, kl("--a", d[0].toString(), "--b", d[1].toString(), "--estimator", "nope"));
    assertTrue(err.toString().contains("--estimator nope: unknown; expected one of mc, topk_rest, topk_lookup"));
    assertEquals(2, kl("--a", d[0].toString(), "--b", dir.resolve("missing.jsonl").toString()));
    assertTrue(err.toString().contains("missing.jsonl: no such file"), err.toString());
    assertEquals(2, kl("--a", d[0].toString(), "--b", d[1].toString(), "--estimator", "mc"));
    assertTrue(err.toString().contains("teacher-forced"), err.toString());
    assertEquals(2, kl("--a", d[0].toString(), "--b", d[1].toString(), "--min-coverage", "2"));
    assertEquals(2, kl("--a", d[0].toString(), "--b", d[1].toString(), "--estimator", "text_mc"));
    assertTrue(err.toString().contains("run the kl study with kl.estimator: text_mc"), err.toString());
  }

  @Test
  void topkLookupRunsAndIsLabelledBiased() throws Exception {
    Path[] d = dumps();
    assertEquals(0, kl("--a", d[0].toString(), "--b", d[1].toString(), "--estimator", "topk_lookup", "--out",
        dir.resolve("o").toString()));
    String md = Files.readString(dir.resolve("o/kl_report.md"));
    assertTrue(md.contains("BIASED") && md.contains("(**biased**)"));
    assertTrue(out.toString().contains("BIASED"));
  }

  @Test
  void singleTokenResponsesWithMultiByteTextAppearWhole() throws Exception {
    byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<Tok> t = List.of(new Tok("caf", Math.log(0.6), Map.of("caf", Math.log(0.6))),
        new Tok("?", new byte[] {e[0]}, Math.log(0.5), Map.of("?", Math.log(0.5))),
        new Tok("?", new byte[] {e[1]}, Math.log(0.5), Map.of("?", Math.log(0.5))));
    Path a = dir.resolve("a.jsonl");
    SyntheticDumps.write(a, List.of(SyntheticDumps.line("p", "x", "m", 0, SyntheticDumps.chatResponse("m", t))));
    assertEquals(0, kl("--a", a.toString(), "--b", a.toString(), "--out", dir.resolve("o").toString()));
    assertTrue(Files.readString(dir.resolve("o/kl_report.md")).contains("\ncafé\n"));
  }
}
