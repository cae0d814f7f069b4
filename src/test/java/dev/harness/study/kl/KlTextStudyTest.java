package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kl.estimator: text_mc} end to end on the local engine: tiny-llama-gqa against tiny-random-llama (different
 * vocabularies: token-level estimators are refused there), and tiny-llama-gqa against itself (every text's score is
 * the same under both variants, so every difference is exactly 0).
 */
class KlTextStudyTest {
  static final int PROMPTS = 2, SAMPLES = 2;
  @TempDir Path dir;

  static Map<String, String> fingerprints(Path db) {
    try (Store s = Store.open(db, KlSchema.CHAIN)) {
      Map<String, String> out = new HashMap<>();
      for (var r : new dev.harness.store.RequestTables(s).runs()) {
        out.put(r.variant(), KlResponses.parse(r.engineInfoJson()).path("tokenizer_fingerprint").asText(null));
      }
      return out;
    }
  }

  /** The stored name of text scores under {@code variant}: {@code text:<variant>#<scorer identity hash>}. */
  static String scorerName(KlTables t, String variant) {
    return t.crossScores().stream().map(KlTables.CrossRow::scorer).filter(n -> n.startsWith("text:" + variant + "#"))
        .findFirst().orElseThrow();
  }

  /** log p(text) under {@code scorer}: the sum of the text-score rows stored for the sample. */
  static double seq(KlTables t, String unitKey, String scorer) {
    return t.tokens(unitKey, scorerName(t, scorer)).stream().mapToDouble(KlTables.TokenRow::logprob).sum();
  }

  @Test
  void differentTokenizersEndToEndPerSequenceRecomputedFromTheStore() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(KlStudyLocalTest.GQA) && Files.isDirectory(KlStudyLocalTest.RANDOM_LLAMA),
        "SKIPPED: ../shared/models is absent");
    Path cfg = KlStudyLocalTest.writeConfig(dir, "text", KlStudyLocalTest.RANDOM_LLAMA.toString(), "text_mc", PROMPTS,
        SAMPLES);
    Path runDir = dir.resolve("runs/text");
    StringWriter err = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    assertTrue(err.toString().contains("sample texts scored (each under both variants; 0 failed)"), err.toString());
    for (String f : List.of("report.md", "kl_ranking.csv", "plots/kl_hist.png", "plots/kl_top.png", "dumps/a.jsonl",
        "dumps/b.jsonl", "kl.sqlite")) {
      assertTrue(Files.isRegularFile(runDir.resolve(f)) && Files.size(runDir.resolve(f)) > 0, f);
    }
    Map<String, String> fp = fingerprints(runDir.resolve("kl.sqlite"));
    assertNotEquals(fp.get("a"), fp.get("b"), "the two variants' vocabularies differ");
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("estimator: `text_mc`"), report);
    assertTrue(report.contains("mean over sample pairs of the per sequence value in nats"), report);
    assertTrue(report.contains("value and CI are per sequence"), report);
    assertTrue(report.contains("| " + 2 * PROMPTS * SAMPLES + " ok, 0 failed |"), "text scorings per scorer: " + report);
    assertTrue(Files.readString(runDir.resolve("kl_ranking.csv")).contains("per_char="), "per-character values");
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      assertEquals(2 * PROMPTS * SAMPLES, t.count("samples"));
      assertEquals(2 * 2 * PROMPTS * SAMPLES, t.count("cross_scores"), "every text under both variants");
      assertTrue(t.crossScores().stream().allMatch(KlTables.CrossRow::ok));
      List<KlTables.DivergenceRow> rows = t.divergences();
      assertEquals(PROMPTS, rows.size());
      for (KlTables.DivergenceRow r : rows) {
        assertEquals("text_mc", r.estimator());
        assertTrue(Double.isFinite(r.value()) && Double.isFinite(r.ciLow()) && Double.isFinite(r.ciHigh()), r.toString());
        assertTrue(r.ciLow() <= r.value() && r.value() <= r.ciHigh(), r.toString());
        assertEquals(SAMPLES, r.nSamples());
        // recomputed by hand from the stored scores: forward along a's samples, reverse along b's, symmetric mean
        List<Double> fwd = new ArrayList<>(), rev = new ArrayList<>();
        long chars = 0;
        for (KlTables.SampleRow x : t.samples()) {
          if (!x.promptId().equals(r.promptId())) continue;
          String other = x.variant().equals("a") ? "b" : "a";
          (x.variant().equals("a") ? fwd : rev).add(seq(t, x.unitKey(), x.variant()) - seq(t, x.unitKey(), other));
          chars += x.text().length();
        }
        double f = fwd.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double b = rev.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertEquals(f, r.forward(), 1e-9);
        assertEquals(b, r.reverse(), 1e-9);
        assertEquals((f + b) / 2, r.value(), 1e-9);
        assertEquals(chars, r.nTokens(), "n_tokens holds characters for text_mc");
      }
      // the context is the one sampling used: where the re-tokenised text is the sampled tokens, the own score is
      // the sampled log-prob (same model, same context, same tokens)
      int matched = 0;
      for (KlTables.SampleRow x : t.samples()) {
        List<KlTables.TokenRow> own = t.tokens(x.unitKey(), x.variant());
        List<KlTables.TokenRow> text = t.tokens(x.unitKey(), scorerName(t, x.variant()));
        if (own.size() != text.size() || own.isEmpty()) continue;
        boolean same = true;
        for (int i = 0; i < own.size(); i++) same &= own.get(i).tokenId().equals(text.get(i).tokenId());
        if (!same) continue;
        matched++;
        for (int i = 0; i < own.size(); i++) {
          assertEquals(own.get(i).logprob(), text.get(i).logprob(), 1e-3, x.unitKey() + " token " + i);
        }
      }
      assertTrue(matched > 0, "some sample re-tokenises to its sampled tokens");
    }
    // a second all skips every phase (run is complete: samples and text scores)
    StringWriter err2 = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err2, "all", "-c", cfg.toString()), err2.toString());
    assertTrue(err2.toString().contains("[run] skipped") && err2.toString().contains("[score] skipped"), err2.toString());
  }

  @Test
  void identicalModelsGiveExactlyZeroPerSample() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(KlStudyLocalTest.GQA), "SKIPPED: ../shared/models is absent");
    Path cfg = KlStudyLocalTest.writeConfig(dir, "same", KlStudyLocalTest.GQA.toString(), "text_mc", PROMPTS, SAMPLES);
    Path runDir = dir.resolve("runs/same");
    StringWriter err = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      for (KlTables.SampleRow x : t.samples()) {
        assertEquals(seq(t, x.unitKey(), "a"), seq(t, x.unitKey(), "b"), 0.0, x.unitKey());
      }
      for (KlTables.DivergenceRow r : t.divergences()) {
        assertEquals(0.0, r.value(), 0.0, r.toString());
        assertEquals(0.0, r.ciLow(), 0.0);
        assertEquals(0.0, r.ciHigh(), 0.0);
      }
    }
  }

  /**
   * B over HTTP (completions, the harness's own server over tiny-random-llama): its text scores come from
   * {@code Engine.score} (completions echo) and equal the local engine's lm-eval score of the same prompt and text.
   */
  @Test
  void httpVariantScoresTextsByEcho() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(KlStudyLocalTest.GQA) && Files.isDirectory(KlStudyLocalTest.RANDOM_LLAMA),
        "SKIPPED: ../shared/models is absent");
    Path data = dir.resolve("p.jsonl");
    Files.writeString(data, "{\"id\": \"q0\", \"text\": \"Tell me a story about a cat.\"}\n"
        + "{\"id\": \"q1\", \"text\": \"What is the capital of France?\"}\n");
    Path runDir = dir.resolve("runs/http");
    try (dev.harness.engine.local.LocalEngine llama = dev.harness.engine.local.LocalEngine.open(
            KlStudyLocalTest.RANDOM_LLAMA, dev.harness.engine.local.LocalOptions.cpu());
        dev.harness.engine.serve.OpenAiServer server = new dev.harness.engine.serve.OpenAiServer(llama, "llama",
            llama.tokenizer(), dev.harness.engine.serve.ServerOptions.ephemeral()).start()) {
      Path cfg = dir.resolve("http.yaml");
      Files.writeString(cfg, """
          study: kl
          output: {exp_group_id: http, root: %s}
          engines:
            - {name: a, kind: local, model: %s, endpoint: completions, concurrency: 1}
            - {name: b, kind: openai, model: llama, base_url: '%s', endpoint: completions, tokenizer: %s, max_retries: 0}
          prompts: {source: %s, field: text, id_field: id}
          generation: {max_tokens: 5, temperature: 1.0, top_p: 1.0, seed: 3}
          kl: {samples: 2, estimator: text_mc, top_logprobs: 0}
          analysis: {bootstrap_iters: 200, seed: 11}
          """.formatted(dir.resolve("runs"), KlStudyLocalTest.GQA, server.baseUrl(), KlStudyLocalTest.RANDOM_LLAMA,
          data));
      StringWriter err = new StringWriter();
      assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
      try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
        KlTables t = new KlTables(s);
        assertEquals(2 * 2 * 2 * 2, t.count("cross_scores"));
        assertTrue(t.crossScores().stream().allMatch(KlTables.CrossRow::ok), t.crossScores().toString());
        Map<String, String> prompts = new HashMap<>();
        t.prompts().forEach(p -> prompts.put(p.promptId(), p.text()));
        int compared = 0;
        for (KlTables.SampleRow x : t.samples()) {
          if (x.text().isEmpty()) continue;
          double expected = llama.score(prompts.get(x.promptId()), x.text()).stream()
              .mapToDouble(dev.harness.engine.TokenScore::logprob).sum();
          assertEquals(expected, seq(t, x.unitKey(), "b"), 1e-3, x.unitKey());
          compared++;
        }
        assertTrue(compared > 0);
        for (KlTables.DivergenceRow r : t.divergences()) assertTrue(Double.isFinite(r.value()), r.toString());
      }
    }
  }
}
