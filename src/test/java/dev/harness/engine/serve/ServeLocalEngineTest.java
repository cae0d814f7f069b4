package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Message;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenScore;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LocalOptions;
import dev.harness.engine.openai.OpenAiEngine;
import dev.harness.engine.openai.OpenAiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** `serve` over the real local engine, read by the real OpenAI client: same text, log-probs and top-k as direct calls. */
class ServeLocalEngineTest {
  static final Path GQA = Path.of("../shared/models/tiny-llama-gqa");

  @Test
  void clientThroughServerAgreesWithDirectCalls() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(GQA), "SKIPPED: " + GQA.toAbsolutePath() + " is absent");
    try (LocalEngine local = LocalEngine.open(GQA, LocalOptions.cpu());
        OpenAiServer server = new OpenAiServer(local, "gqa", local.tokenizer(), ServerOptions.ephemeral()).start()) {
      OpenAiSettings base = OpenAiSettings.of(server.baseUrl().toString(), "gqa", null).withMaxRetries(0);
      CompletionRequest text = CompletionRequest.greedy(Prompt.text("the cat sat on the"), 8).withLogprobs(5);
      try (OpenAiEngine completions = new OpenAiEngine(base.withEndpoint("completions"));
          OpenAiEngine chat = new OpenAiEngine(base.withEndpoint("chat"))) {
        Completion direct = local.complete(text);
        Completion served = completions.complete(text);
        assertEquals(direct.text(), served.text());
        assertEquals(direct.finishReason(), served.finishReason());
        assertEquals(direct.tokens().size(), served.tokens().size());
        for (int i = 0; i < direct.tokens().size(); i++) {
          assertEquals(direct.tokens().get(i).logprob(), served.tokens().get(i).logprob(), 1e-6);
          assertEquals(direct.tokens().get(i).top().get(0).token(), served.tokens().get(i).top().get(0).token());
        }

        CompletionRequest chatReq = CompletionRequest.greedy(Prompt.chat(List.of(Message.user("Name a colour."))), 6)
            .withLogprobs(3);
        Completion directChat = local.complete(chatReq);
        Completion servedChat = chat.complete(chatReq);
        assertEquals(directChat.text(), servedChat.text());
        for (int i = 0; i < directChat.tokens().size(); i++) {
          assertEquals(directChat.tokens().get(i).logprob(), servedChat.tokens().get(i).logprob(), 1e-6);
        }

        NextToken nd = local.nextToken(Prompt.text("one two three"), 5);
        NextToken ns = completions.nextToken(Prompt.text("one two three"), 5);
        assertEquals(nd.top().get(0).token(), ns.top().get(0).token());
        assertEquals(nd.top().get(0).logprob(), ns.top().get(0).logprob(), 1e-6);

        List<TokenScore> sd = local.score("The capital of France is", " Paris");
        List<TokenScore> ss = completions.score("The capital of France is", " Paris");
        assertEquals(sd.size(), ss.size());
        double sumD = sd.stream().mapToDouble(TokenScore::logprob).sum();
        double sumS = ss.stream().mapToDouble(TokenScore::logprob).sum();
        assertEquals(sumD, sumS, 1e-5);
        assertTrue(Double.isFinite(sumS));
      }
    }
  }
}
