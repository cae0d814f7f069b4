package dev.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.openai.OpenAiEngine;
import dev.harness.engine.openai.OpenAiSettings;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.serve.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** `serve`'s echo path on the local engine: prompt log-probs and top-k from one forward pass, equal to direct calls. */
class LocalServedEngineTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");

  @Test
  void echoGivesPromptLogprobsAndTopK() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(GQA, LocalOptions.cpu())) {
      LocalServedEngine served = new LocalServedEngine(local);
      String prompt = "the cat sat on the mat";
      List<TokenLogprob> toks = served.promptTopLogprobs(prompt, 3);
      int[] ids = local.hfTokenizer().encodeIds(prompt, false);
      assertEquals(ids.length, toks.size());
      assertTrue(Double.isNaN(toks.get(0).logprob()), "no BOS: nothing predicts the first token");
      double[][] lp = local.logSoftmaxAll(ids);
      StringBuilder text = new StringBuilder();
      for (int j = 0; j < ids.length; j++) {
        text.append(toks.get(j).token());
        if (j == 0) continue;
        assertEquals(lp[j - 1][ids[j]], toks.get(j).logprob(), 1e-9);
        assertEquals(3, toks.get(j).top().size());
        assertTrue(toks.get(j).top().get(0).logprob() >= toks.get(j).logprob());
      }
      assertEquals(prompt, text.toString(), "token texts spell the prompt");

      try (OpenAiServer server = new OpenAiServer(served, "gqa", local.tokenizer(), ServerOptions.ephemeral()).start();
          OpenAiEngine client = new OpenAiEngine(OpenAiSettings.of(server.baseUrl().toString(), "gqa", null)
              .withEndpoint("completions").withMaxRetries(0))) {
        List<TokenScore> direct = local.score("the cat sat on", " the mat");
        List<TokenScore> viaHttp = client.score("the cat sat on", " the mat");
        assertEquals(direct.stream().mapToDouble(TokenScore::logprob).sum(),
            viaHttp.stream().mapToDouble(TokenScore::logprob).sum(), 1e-5);

        String body = "{\"model\":\"gqa\",\"prompt\":\"" + prompt + "\",\"max_tokens\":0,\"echo\":true,\"logprobs\":3}";
        Request req = new Request.Builder().url(server.baseUrl() + "/completions")
            .post(RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response r = new OkHttpClient().newCall(req).execute()) {
          assertEquals(200, r.code());
          JsonNode lps = new ObjectMapper().readTree(r.body().string()).at("/choices/0/logprobs");
          assertTrue(lps.get("token_logprobs").get(0).isNull());
          assertEquals(lp[1][ids[2]], lps.get("token_logprobs").get(2).asDouble(), 1e-6);
          assertEquals(3, lps.get("top_logprobs").get(2).size());
        }
      }
    }
  }
}
