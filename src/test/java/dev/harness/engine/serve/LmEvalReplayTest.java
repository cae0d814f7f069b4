package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.cli.LocalServedEngine;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * lm-eval's {@code local-completions} requests replayed against {@code serve} ({@link LmEvalLocalCompletions}: its
 * payloads and parsers transcribed from lm-eval at 0064c3a), and the answers compared with the local engine's own
 * scoring and generation of the same ids: loglikelihood with batch_size 1 and 3, token-id and string prompts, and
 * generate_until with batch_size 1 and 3; on a BOS-adding tokenizer (tiny-random-llama) and a GPT-2 one. String
 * prompts on the BOS-adding tokenizer are echoed with the BOS as entry 0, as vLLM does, so lm-eval's slice takes the
 * last context token too: see {@link #againstVllmWithBos}.
 */
class LmEvalReplayTest {
  static final String MODEL = "m";
  /** lm-eval loglikelihood requests (context, continuation); one context ends in a space (moved by _encode_pair). */
  static final String[][] REQUESTS = {
      {"The capital of France is", " Paris"},
      {"one two three", " four five six"},
      {"Question: what is 2+2?\nAnswer: ", "4"},
      {"hello", " world"},
      {"A long time ago in a galaxy far,", " far away"},
  };
  static final String[] GEN_CONTEXTS = {"The capital of France is", "Once upon a time", "1, 2, 3,", "def f(x):"};

  final HttpClient http = HttpClient.newHttpClient();

  @ParameterizedTest(name = "{0} tokenized={1} batch={2}")
  @CsvSource({
      "../shared/models/tiny-random-llama, true, 1", "../shared/models/tiny-random-llama, true, 3",
      "../shared/models/tiny-random-llama, false, 1", "../shared/models/tiny-random-llama, false, 3",
      "../shared/models/tiny-random-gpt2, true, 1", "../shared/models/tiny-random-gpt2, true, 3",
      "../shared/models/tiny-random-gpt2, false, 1", "../shared/models/tiny-random-gpt2, false, 3"})
  void loglikelihoodEqualsTheLocalEngines(String dir, boolean tokenized, int batchSize) throws Exception {
    Path model = Path.of(dir);
    Assumptions.assumeTrue(Files.isDirectory(model), "SKIPPED: " + model.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(model, LocalOptions.cpu());
        OpenAiServer server = new OpenAiServer(new LocalServedEngine(local), MODEL, local.tokenizer(), ServerOptions.ephemeral()).start()) {
      HfTokenizer tok = local.hfTokenizer();
      // a string prompt is re-tokenized by the server with special tokens (vLLM: add_special_tokens=True for
      // completions), so a BOS-adding tokenizer puts one more entry in front of lm-eval's own tokenization
      int[] empty = tok.encodeIds("", true);
      int bos = !tokenized && empty.length == 1 ? empty[0] : -1;
      List<LmEvalLocalCompletions.Pair> pairs = new ArrayList<>();
      for (String[] r : REQUESTS) pairs.add(LmEvalLocalCompletions.encodePair(tok, r[0], r[1]));
      LmEvalLocalCompletions.Answer[] answers = new LmEvalLocalCompletions.Answer[pairs.size()];
      int requests = 0;
      for (List<Integer> chunk : LmEvalLocalCompletions.chunks(pairs, batchSize)) {
        List<int[]> inputs = new ArrayList<>();
        List<Integer> ctxlens = new ArrayList<>();
        for (int i : chunk) {
          LmEvalLocalCompletions.Input in = LmEvalLocalCompletions.input(pairs.get(i));
          inputs.add(in.ids());
          ctxlens.add(in.ctxlen());
        }
        JsonNode payload = LmEvalLocalCompletions.loglikelihoodPayload(MODEL,
            LmEvalLocalCompletions.createMessage(inputs, tokenized, batchSize, tok));
        JsonNode out = post(server, payload.toString());
        requests++;
        assertEquals(chunk.size(), out.get("choices").size(), "one choice per prompt of the batch");
        if (bos >= 0) {
          for (int k = 0; k < chunk.size(); k++) {
            JsonNode lp = out.get("choices").get(k).get("logprobs");
            assertEquals(inputs.get(k).length + 2, lp.get("tokens").size(), "BOS + the re-encoded ids + the generated token");
            assertEquals("<s>", lp.get("tokens").get(0).asText(), "vLLM: tokenizer.decode(bos_id)");
            assertTrue(lp.get("token_logprobs").get(0).isNull() && lp.get("top_logprobs").get(0).isNull());
            assertEquals(0, lp.get("text_offset").get(0).asInt());
            assertEquals(3, lp.get("text_offset").get(1).asInt(), "running sums from 0: the BOS text counts");
          }
        }
        List<LmEvalLocalCompletions.Answer> parsed = LmEvalLocalCompletions.parseLogprobs(out, ctxlens);
        for (int k = 0; k < chunk.size(); k++) answers[chunk.get(k)] = parsed.get(k);
      }
      assertEquals((pairs.size() + batchSize - 1) / batchSize, requests);
      for (int i = 0; i < pairs.size(); i++) {
        LmEvalLocalCompletions.Pair p = pairs.get(i);
        List<TokenScore> direct = bos < 0 ? local.scoreIds(p.context(), p.continuation()) : againstVllmWithBos(local, bos, p);
        double sum = direct.stream().mapToDouble(TokenScore::logprob).sum();
        boolean greedy = direct.stream().allMatch(TokenScore::greedy);
        assertTrue(Double.isFinite(answers[i].logprob()));
        assertEquals(sum, answers[i].logprob(), 1e-5, "request " + i + " " + String.join("|", REQUESTS[i]));
        assertEquals(greedy, answers[i].greedy(), "is_greedy of request " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0} batch={1}")
  @CsvSource({"../shared/models/tiny-random-llama, 1", "../shared/models/tiny-random-llama, 3",
      "../shared/models/tiny-random-gpt2, 1", "../shared/models/tiny-random-gpt2, 3"})
  void generateUntilEqualsTheLocalEngines(String dir, int batchSize) throws Exception {
    Path model = Path.of(dir);
    Assumptions.assumeTrue(Files.isDirectory(model), "SKIPPED: " + model.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(model, LocalOptions.cpu());
        OpenAiServer server = new OpenAiServer(new LocalServedEngine(local), MODEL, local.tokenizer(), ServerOptions.ephemeral()).start()) {
      HfTokenizer tok = local.hfTokenizer();
      String eos = tok.specialTokens().eosToken();
      List<String> until = List.of("\n\n");
      int maxGen = 8;
      List<int[]> encodings = new ArrayList<>();
      for (String c : GEN_CONTEXTS) encodings.add(LmEvalLocalCompletions.tokEncode(tok, c));
      List<String> got = new ArrayList<>();
      for (int i = 0; i < encodings.size(); i += batchSize) {
        List<int[]> chunk = encodings.subList(i, Math.min(encodings.size(), i + batchSize));
        JsonNode payload = LmEvalLocalCompletions.generatePayload(MODEL, LmEvalLocalCompletions.createMessage(chunk, true, batchSize, tok),
            until, maxGen, eos);
        got.addAll(LmEvalLocalCompletions.parseGenerations(post(server, payload.toString())));
      }
      List<String> stop = new ArrayList<>(until);
      if (eos != null) stop.add(eos);
      for (int i = 0; i < encodings.size(); i++) {
        CompletionRequest r = new CompletionRequest(Prompt.text(""), maxGen, 0.0, 1.0, (long) LmEvalLocalCompletions.SEED, stop,
            false, 0, null);
        Completion direct = local.complete(encodings.get(i), r);
        assertEquals(direct.text(), got.get(i), "generation " + i + " from the ids exactly as sent");
      }
    }
  }

  /**
   * What lm-eval computes against vLLM for a string prompt on a BOS-adding tokenizer: vLLM echoes
   * {@code [BOS] + ctx + cont + [generated]} ({@code serving_completion.py}, {@code request_output_to_completion_response}
   * with {@code _create_completion_logprobs}: every prompt token an entry, the BOS's log-prob None), while
   * {@code parse_logprobs} slices {@code [ctxlen:-1]} with {@code ctxlen = len(context_enc)} from lm-eval's own
   * tokenization (no BOS). The slice is entries ctxlen .. ctxlen + len(cont): the last context token (given BOS and
   * the context before it) and the whole continuation. So the sum is log p(ctx[-1] | BOS, ctx[:-1]) + log p(cont | BOS,
   * ctx), and is_greedy covers the last context token too.
   */
  private static List<TokenScore> againstVllmWithBos(LocalEngine local, int bos, LmEvalLocalCompletions.Pair p) {
    int[] ctx = p.context();
    int[] head = new int[ctx.length];
    head[0] = bos;
    System.arraycopy(ctx, 0, head, 1, ctx.length - 1);
    int[] tail = new int[p.continuation().length + 1];
    tail[0] = ctx[ctx.length - 1];
    System.arraycopy(p.continuation(), 0, tail, 1, p.continuation().length);
    return local.scoreIds(head, tail);
  }

  private JsonNode post(OpenAiServer s, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return LmEvalLocalCompletions.JSON.readTree(resp.body());
  }
}
