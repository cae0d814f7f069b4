package dev.harness.study.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.serve.ServerOptions;
import dev.harness.store.Store;
import dev.harness.study.TestServer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Some mc_eval requests failing: a proxy in front of {@code harness serve} (the real scorer on tiny-llama-gqa) answers
 * 500 for one document's requests. run stores those units' failure rows and the other document's results, exits 1
 * naming the first error and the count; status counts done and failed units. The proxy recovers: the next {@code all}
 * scores only the failed requests, the failure rows go, and the report is the normal one.
 */
class McFailureRecoveryTest {
  @TempDir Path dir;
  volatile String failWhen;

  @Test
  void failedRequestsAreStoredRetriedAndClearedOnSuccess() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(McEvalEndToEndTest.GQA) && Files.isRegularFile(McEvalEndToEndTest.ARC),
        "SKIPPED: ../shared models or data are absent");
    OkHttpClient http = new OkHttpClient();
    try (LocalEngine local = LocalEngine.open(McEvalEndToEndTest.GQA, LocalOptions.cpu());
        OpenAiServer real = new OpenAiServer(local, "gqa", local.tokenizer(), ServerOptions.ephemeral()).start();
        MockWebServer proxy = TestServer.start(r -> {
          String body = TestServer.body(r);
          String f = failWhen;
          if (f != null && body.contains(f)) return TestServer.bare(500, "{\"error\":{\"message\":\"shard down\"}}");
          String target = real.baseUrl().toString().replaceAll("/v1/?$", "");
          try (Response resp = http.newCall(new Request.Builder().url(target + r.getUrl().encodedPath())
              .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute()) {
            return TestServer.json(resp.code(), resp.body().string());
          } catch (java.io.IOException e) {
            return TestServer.bare(502, e.toString());
          }
        })) {
      Path cfg = McEvalEndToEndTest.apiConfig(dir, "rec", "gqa", proxy.url("/v1").toString());
      assertEquals(0, McEvalEndToEndTest.run(new StringWriter(), new StringWriter(), "prepare", "-c", cfg.toString()));
      Path db = dir.resolve("runs/rec/mc_eval.sqlite");
      int first, total;
      try (Store s = Store.open(db, McSchema.CHAIN)) {
        var items = new McTables(s).items("arc_easy");
        first = items.get(0).choices().size();
        total = first + items.get(1).choices().size();
        failWhen = items.get(0).question().substring(0, Math.min(30, items.get(0).question().length()));
        assertTrue(!items.get(1).context().contains(failWhen), "the marker names the first document only");
      }
      StringWriter err = new StringWriter();
      assertEquals(1, McEvalEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
      assertTrue(err.toString().contains(first + " of " + total + " requests failed; first error: api, task arc_easy, doc "),
          err.toString());
      try (Store s = Store.open(db, McSchema.CHAIN)) {
        McTables t = new McTables(s);
        assertEquals(2 * first, t.failures().size(), "the first document's choices x 2 seeds");
        assertTrue(t.failures().stream().allMatch(f -> f.httpStatus() == 500 && f.message().contains("shard down")));
        assertEquals(2 * (total - first), t.results("api", "arc_easy").size(), "the other document is stored");
      }
      StringWriter out = new StringWriter();
      assertEquals(0, McEvalEndToEndTest.run(out, new StringWriter(), "status", "-c", cfg.toString()));
      assertTrue(out.toString().contains("units: " + 2 * (total - first) + " of " + 2 * total + " done, " + 2 * first
          + " failed ("), out.toString());

      failWhen = null;
      int before = proxy.getRequestCount();
      err = new StringWriter();
      assertEquals(0, McEvalEndToEndTest.run(new StringWriter(), err, "all", "-c", cfg.toString()), err.toString());
      // prompts sent again (a list-prompt request carries several): exactly the failed ones
      int resent = 0;
      for (int i = 0, n = proxy.getRequestCount(); i < n; i++) {
        var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(proxy.takeRequest().getBody().utf8());
        if (i >= before) resent += body.get("prompt").isArray() ? body.get("prompt").size() : 1;
      }
      assertEquals(first, resent, "only the failed requests are sent again");
      try (Store s = Store.open(db, McSchema.CHAIN)) {
        McTables t = new McTables(s);
        assertEquals(0, t.failures().size(), "answered units have no failure row");
        assertEquals(2 * total, t.results("api", "arc_easy").size());
      }
      String md = Files.readString(dir.resolve("runs/rec/report.md"));
      assertTrue(!md.contains("(failures only)") && md.contains(2 * total + " units of the current configuration ("
          + 2 * total + " with stored rows)"), md);
    }
  }
}
