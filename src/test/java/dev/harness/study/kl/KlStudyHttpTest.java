package dev.harness.study.kl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.store.Store;
import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two HTTP variants against a MockWebServer speaking the chat logprobs format: model-a always returns log-probs,
 * model-b returns none (silently, as OpenRouter does for some providers) for prompts tagged [nolp]. topk_rest over
 * aligned samples; the values are computed by hand.
 */
class KlStudyHttpTest {
  @TempDir Path dir;
  MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(r -> {
      String body = TestServer.body(r);
      boolean a = body.contains("\"model\":\"model-a\"");
      boolean noLogprobs = !a && body.contains("[nolp]");
      return TestServer.json(200,
          a ? chat("model-a", "ProvA", 0.6, 0.3, true) : chat("model-b", "ProvB", 0.5, 0.4, !noLogprobs));
    });
  }

  @AfterEach
  void stop() throws Exception { server.close(); }

  /** " yes no": two tokens, each with top-2 {" yes": p, " no": q}. */
  static String chat(String model, String provider, double p, double q, boolean logprobs) {
    String top = "[{\"token\":\" yes\",\"logprob\":" + Math.log(p) + ",\"bytes\":[32,121,101,115]},"
        + "{\"token\":\" no\",\"logprob\":" + Math.log(q) + ",\"bytes\":[32,110,111]}]";
    String lp = !logprobs ? "null" : "{\"content\":[{\"token\":\" yes\",\"logprob\":" + Math.log(p)
        + ",\"bytes\":[32,121,101,115],\"top_logprobs\":" + top + "},{\"token\":\" no\",\"logprob\":" + Math.log(q)
        + ",\"bytes\":[32,110,111],\"top_logprobs\":" + top + "}]}";
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"" + model + "\",\"provider\":\"" + provider
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\" yes no\"},"
        + "\"logprobs\":" + lp + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}";
  }

  @Test
  void chatLogprobsAreComparedAndAProviderWithoutLogprobsIsCountedAsFailures() throws Exception {
    Path cfg = KlHttpConfig.write(dir, server, "http.yaml", "http", 2,
        "[{\"user\": \"hello there\"}, {\"user\": \"[nolp] world\"}]", "{max_tokens: 4, temperature: 1.0}",
        "{samples: 2, estimator: topk_rest, top_logprobs: 2, top_n: 2}", 200);
    StringWriter err = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    String log = err.toString();
    assertTrue(log.contains("warning: b: 2 of 4 samples failed (2 without log-probs)"), log);

    Path runDir = dir.resolve("runs/http");
    try (Store s = Store.open(runDir.resolve("kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      List<KlTables.SampleRow> samples = t.samples();
      assertEquals(8, samples.size());
      String nolp = PromptSource.contentId("[nolp] world");
      for (KlTables.SampleRow x : samples) {
        boolean fails = x.variant().equals("b") && x.promptId().equals(nolp);
        assertEquals(fails ? "error" : "ok", x.status(), x.unitKey());
        if (fails) {
          assertEquals(KlSampling.MISSING_LOGPROBS, x.errorKind());
          assertTrue(x.errorMessage().contains("provider ProvB"), x.errorMessage());
        } else {
          assertEquals(x.variant().equals("a") ? "ProvA" : "ProvB", x.provider(), x.unitKey());
          assertEquals("model-" + x.variant(), x.model());
          assertEquals(" yes no", x.text());
        }
      }
      assertEquals(0, t.count("cross_scores"), "topk_rest over HTTP compares aligned samples");
      // per position: p = (.6, .3, rest .1), q = (.5, .4, rest .1)
      double fwd = 0.6 * Math.log(0.6 / 0.5) + 0.3 * Math.log(0.3 / 0.4);
      double rev = 0.5 * Math.log(0.5 / 0.6) + 0.4 * Math.log(0.4 / 0.3);
      List<KlTables.DivergenceRow> rows = t.divergences();
      assertEquals(1, rows.size(), "only the prompt both variants answered");
      KlTables.DivergenceRow d = rows.get(0);
      assertEquals(PromptSource.contentId("hello there"), d.promptId());
      assertEquals((fwd + rev) / 2, d.value(), 1e-12);
      assertEquals(fwd, d.forward(), 1e-12);
      assertEquals(rev, d.reverse(), 1e-12);
      assertEquals(0.9, d.meanCoverage(), 1e-12);
      assertEquals(8, d.nTokens());
      List<KlTables.IssueRow> issues = t.issues();
      assertEquals(1, issues.size(), issues.toString());
      assertEquals("ONLY_IN_A", issues.get(0).kind());
    }
    String report = Files.readString(runDir.resolve("report.md"));
    assertTrue(report.contains("| b | model-b | ProvB | 4 | 2 | 2 | 2 |"), report);
    assertTrue(report.contains("**2 failed samples**"), report);
    assertTrue(report.contains("1 prompt ids only in A"), report);
    String dumpA = Files.readString(runDir.resolve("dumps/a.jsonl"));
    assertEquals(4, dumpA.lines().count());
    assertTrue(dumpA.contains("\"provider\":\"ProvA\""), dumpA);
    assertEquals(2, Files.readString(runDir.resolve("dumps/b.jsonl")).lines().count());
  }

  /** Legacy completions: sampling returns " yes no" with the model's log-probs; echo scores the prompt's words. */
  static MockResponse completions(String body) {
    boolean a = body.contains("\"model\":\"model-a\"");
    double yes = a ? 0.6 : 0.5, no = a ? 0.3 : 0.4;
    String json;
    if (body.contains("\"echo\":true")) {
      String prompt = KlResponses.parse(body).path("prompt").asText();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s?\\S+").matcher(prompt);
      StringBuilder toks = new StringBuilder(), lps = new StringBuilder(), offs = new StringBuilder();
      boolean first = true;
      while (m.find()) {
        String t = m.group();
        double lp = t.equals(" yes") ? Math.log(yes) : t.equals(" no") ? Math.log(no) : Math.log(0.1);
        if (!first) {
          toks.append(',');
          lps.append(',');
          offs.append(',');
        }
        toks.append('"').append(t).append('"');
        lps.append(first ? "null" : String.valueOf(lp));
        offs.append(m.start());
        first = false;
      }
      json = "{\"object\":\"text_completion\",\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\"" + prompt
          + "\",\"logprobs\":{\"tokens\":[" + toks + "],\"token_logprobs\":[" + lps + "],\"text_offset\":[" + offs
          + "]},\"finish_reason\":\"length\"}]}";
    } else {
      String top = "{\" yes\":" + Math.log(yes) + ",\" no\":" + Math.log(no) + "}";
      json = "{\"object\":\"text_completion\",\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\" yes no\","
          + "\"logprobs\":{\"tokens\":[\" yes\",\" no\"],\"token_logprobs\":[" + Math.log(yes) + "," + Math.log(no)
          + "],\"top_logprobs\":[" + top + "," + top + "],\"text_offset\":[0,4]},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":2}}";
    }
    return TestServer.json(200, json);
  }

  @Test
  void mcOverHttpScoresEachSampleUnderTheOtherModelByCompletionsEcho() throws Exception {
    server.close(); // this test's server speaks legacy completions
    server = TestServer.start(r -> completions(TestServer.body(r)));
    Path prompts = dir.resolve("p.jsonl");
    Files.writeString(prompts, "{\"user\": \"hello there\"}\n");
    Path cfg = dir.resolve("mc.yaml");
    String url = server.url("/v1").toString();
    Files.writeString(cfg, """
        study: kl
        output: {exp_group_id: mc, root: %s}
        engines:
          - {name: a, kind: openai, model: model-a, base_url: %s, endpoint: completions, max_retries: 0}
          - {name: b, kind: openai, model: model-b, base_url: %s, endpoint: completions, max_retries: 0}
        prompts: {source: %s, field: user}
        generation: {max_tokens: 4, temperature: 1.0}
        kl: {samples: 3, estimator: mc, top_logprobs: 2}
        analysis: {bootstrap_iters: 200}
        """.formatted(dir.resolve("runs"), url, url, prompts));
    StringWriter err = new StringWriter();
    assertEquals(0, KlStudyLocalTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
    try (Store s = Store.open(dir.resolve("runs/mc/kl.sqlite"), KlSchema.CHAIN)) {
      KlTables t = new KlTables(s);
      assertEquals(6, t.count("cross_scores"));
      assertTrue(t.crossScores().stream().allMatch(KlTables.CrossRow::ok), t.crossScores().toString());
      // per token (r - 1) - log r with r = b / a, averaged over the two tokens, each direction
      double fwd = (k3(0.6, 0.5) + k3(0.3, 0.4)) / 2, rev = (k3(0.5, 0.6) + k3(0.4, 0.3)) / 2;
      KlTables.DivergenceRow d = t.divergences().get(0);
      assertEquals(fwd, d.forward(), 1e-9);
      assertEquals(rev, d.reverse(), 1e-9);
      assertEquals((fwd + rev) / 2, d.value(), 1e-9);
      assertEquals(3, d.nSamples());
    }
  }

  static double k3(double a, double b) {
    double r = b / a;
    return (r - 1) - Math.log(r);
  }
}
