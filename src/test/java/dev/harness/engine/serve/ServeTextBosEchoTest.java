package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.cli.LocalServedEngine;
import dev.harness.engine.Engine;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.openai.OpenAiEngine;
import dev.harness.engine.openai.OpenAiSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A text prompt with {@code echo} + {@code logprobs} on a BOS-adding tokenizer (tiny-random-llama) is echoed as vLLM
 * echoes it. Source: vllm-project/vllm {@code vllm/entrypoints/openai/serving_completion.py}:
 * {@code request_output_to_completion_response} returns every prompt token (tokenized with
 * {@code add_special_tokens=True}, the BOS included) followed by the generated ones, and
 * {@code _create_completion_logprobs} gives the position without log-probs {@code token = tokenizer.decode(id)}
 * ({@code "<s>"}), log-prob None, top_logprobs None, and {@code text_offset} running sums of the token texts' lengths
 * from 0. The returned {@code text} is the prompt without the BOS. The later log-probs are conditioned on the BOS.
 * Both echo paths: {@link LocalServedEngine} ({@link PromptScorer}) and a bare engine ({@link EchoScoring}'s
 * {@code score(first, rest)} fallback, whose first text token is context and so null). The harness's own client
 * ({@link OpenAiEngine#score}) reads them back and agrees with the local engine.
 */
class ServeTextBosEchoTest {
  static final Path LLAMA = Path.of("../shared/models/tiny-random-llama");
  static final String PROMPT = "The capital of France is Paris";
  final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest(name = "promptScorer={0}")
  @ValueSource(booleans = {true, false})
  void theBosIsEntryZeroAsInVllm(boolean promptScorer) throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LLAMA), "SKIPPED: " + LLAMA.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(LLAMA, LocalOptions.cpu())) {
      Engine served = promptScorer ? new LocalServedEngine(local) : local;
      try (OpenAiServer server = new OpenAiServer(served, "m", local.tokenizer(), ServerOptions.ephemeral()).start()) {
        int[] plain = local.hfTokenizer().encodeIds(PROMPT, false);
        int[] special = local.hfTokenizer().encodeIds(PROMPT, true);
        assertEquals(plain.length + 1, special.length, "tiny-random-llama adds a BOS");
        double[][] lp = local.logSoftmaxAll(special);

        JsonNode out = post(server, "{\"model\":\"m\",\"prompt\":\"" + PROMPT + "\",\"echo\":true,\"logprobs\":2,"
            + "\"max_tokens\":1,\"temperature\":0}");
        JsonNode choice = out.at("/choices/0");
        JsonNode l = choice.get("logprobs");
        JsonNode toks = l.get("tokens");
        JsonNode lps = l.get("token_logprobs");
        JsonNode tops = l.get("top_logprobs");
        JsonNode offs = l.get("text_offset");
        assertEquals(special.length + 1, toks.size(), "BOS + the prompt's tokens + one generated token");
        assertEquals("<s>", toks.get(0).asText());
        assertTrue(lps.get(0).isNull());
        assertTrue(tops.get(0).isNull());
        assertEquals(special.length, out.at("/usage/prompt_tokens").asInt(), "vLLM: len(prompt_token_ids), the BOS included");
        assertTrue(choice.get("text").asText().startsWith(PROMPT) && !choice.get("text").asText().contains("<s>"),
            "the text is the prompt as sent, then the generated token");
        StringBuilder spelled = new StringBuilder();
        for (int p = 1; p < special.length; p++) spelled.append(toks.get(p).asText());
        assertEquals(PROMPT, spelled.toString(), "the entries after the BOS spell the prompt");
        if (promptScorer) {
          for (int p = 1; p < special.length; p++) {
            assertEquals(lp[p - 1][special[p]], lps.get(p).asDouble(), 1e-6, "entry " + p + " given the BOS and what precedes it");
          }
        } else {
          assertTrue(lps.get(1).isNull(), "the fallback scores score(first, rest): its first text token is context");
          String first = toks.get(1).asText();
          List<TokenScore> rest = local.score(first, PROMPT.substring(first.length()));
          assertEquals(special.length - 2, rest.size());
          for (int i = 0; i < rest.size(); i++) assertEquals(rest.get(i).logprob(), lps.get(i + 2).asDouble(), 1e-6, "entry " + (i + 2));
        }
        // text_offset: vLLM's running sums from 0, through the generated token
        assertEquals(0, offs.get(0).asInt());
        for (int i = 1; i < toks.size(); i++) {
          String prev = toks.get(i - 1).asText();
          assertEquals(offs.get(i - 1).asInt() + prev.codePointCount(0, prev.length()), offs.get(i).asInt(), "text_offset " + i);
        }
        assertEquals(3 + PROMPT.length(), offs.get(toks.size() - 1).asInt(), "the generated token after '<s>' + the prompt");

        // streamed (incrementally via PromptScorer, else the finished choice): the same tokens and offsets
        HttpRequest sreq = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\""
                + PROMPT + "\",\"echo\":true,\"logprobs\":2,\"max_tokens\":1,\"temperature\":0,\"stream\":true}")).build();
        List<String> streamedToks = new java.util.ArrayList<>();
        List<Integer> streamedOffs = new java.util.ArrayList<>();
        for (String line : http.send(sreq, HttpResponse.BodyHandlers.ofString()).body().split("\n")) {
          if (!line.startsWith("data: {")) continue;
          JsonNode sl = new ObjectMapper().readTree(line.substring(6)).at("/choices/0/logprobs");
          if (!sl.isObject()) continue;
          sl.get("tokens").forEach(x -> streamedToks.add(x.asText()));
          sl.get("text_offset").forEach(x -> streamedOffs.add(x.asInt()));
        }
        List<String> wholeToks = new java.util.ArrayList<>();
        List<Integer> wholeOffs = new java.util.ArrayList<>();
        toks.forEach(x -> wholeToks.add(x.asText()));
        offs.forEach(x -> wholeOffs.add(x.asInt()));
        assertEquals(wholeToks, streamedToks);
        assertEquals(wholeOffs, streamedOffs);

        // the harness's own client skips the BOS entry and takes the continuation by offset, as against vLLM
        try (OpenAiEngine client = new OpenAiEngine(OpenAiSettings.of(server.baseUrl().toString(), "m", null)
            .withEndpoint("completions").withMaxRetries(0))) {
          int[] ctx = local.hfTokenizer().encodeIds("The capital of France is", true);
          int[] cont = java.util.Arrays.copyOfRange(special, ctx.length, special.length);
          List<TokenScore> direct;
          if (promptScorer) {
            direct = local.scoreIds(ctx, cont); // [BOS] + context ids, then the continuation's ids
          } else { // the fallback's numbers: score(first, rest), of which the continuation is the tail
            String first = toks.get(1).asText();
            List<TokenScore> all = local.score(first, PROMPT.substring(first.length()));
            direct = all.subList(all.size() - cont.length, all.size());
          }
          List<TokenScore> viaHttp = client.score("The capital of France is", " Paris");
          assertFalse(direct.isEmpty());
          assertEquals(direct.size(), viaHttp.size());
          for (int i = 0; i < direct.size(); i++) assertEquals(direct.get(i).logprob(), viaHttp.get(i).logprob(), 1e-6);
        }
      }
    }
  }

  private JsonNode post(OpenAiServer s, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return new ObjectMapper().readTree(resp.body());
  }
}
