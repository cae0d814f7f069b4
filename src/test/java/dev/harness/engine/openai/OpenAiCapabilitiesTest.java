package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.BatchGeneration;
import dev.harness.engine.BatchScoring;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.CompressedLoglik;
import dev.harness.engine.FullNextToken;
import dev.harness.engine.IdGeneration;
import dev.harness.engine.IdScoring;
import dev.harness.engine.InProcess;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.SharedPrefixScoring;
import dev.harness.engine.TokenIds;
import dev.harness.engine.TokenScore;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * The HTTP engine's capabilities ({@link OpenAiEngine#as}): batched echo scoring and list-prompt generation on
 * {@code /v1/completions} (OpenAI's legacy completions API and vLLM take {@code prompt} as a list and answer one
 * choice per prompt, each with its {@code index}), token ids through vLLM's {@code /tokenize}
 * (vllm/entrypoints/openai/protocol.py TokenizeCompletionRequest / TokenizeChatRequest / TokenizeResponse). The
 * request bodies are checked field by field and the parsed results against hand-computed values.
 */
class OpenAiCapabilitiesTest extends EngineTestBase {
  // two echoed prompts, answered out of order: index 1 first. "The sky is blue" offsets 0,3,7,10; "Grass is green" 0,5,8
  private static final String ECHO_TWO = "{'choices':["
      + "{'index':1,'text':'Grass is green','logprobs':{'tokens':['Grass',' is',' green'],"
      + "'token_logprobs':[null,-1.5,-0.25],'top_logprobs':[null,{' is':-1.5},{' green':-0.25}],'text_offset':[0,5,8]}},"
      + "{'index':0,'text':'The sky is blue','logprobs':{'tokens':['The',' sky',' is',' blue'],"
      + "'token_logprobs':[null,-2.0,-0.5,-1.25],'top_logprobs':[null,{' sky':-2.0},{' is':-0.5},{' red':-0.9,' blue':-1.25}],"
      + "'text_offset':[0,3,7,10]}}]}";
  private static final String ECHO_SKY = "{'choices':[{'index':0,'text':'The sky is blue','logprobs':{'tokens':['The',' sky',' is',' blue'],"
      + "'token_logprobs':[null,-2.0,-0.5,-1.25],'top_logprobs':[null,{' sky':-2.0},{' is':-0.5},{' red':-0.9,' blue':-1.25}],"
      + "'text_offset':[0,3,7,10]}}]}";
  private static final String ECHO_GRASS = "{'choices':[{'index':0,'text':'Grass is green','logprobs':{'tokens':['Grass',' is',' green'],"
      + "'token_logprobs':[null,-1.5,-0.25],'top_logprobs':[null,{' is':-1.5},{' green':-0.25}],'text_offset':[0,5,8]}}]}";

  @Test
  void batchScoringSendsOneListPromptAndSplitsEachChoiceAtItsContext() throws Exception {
    server.enqueue(ok(ECHO_TWO));
    BatchScoring b = engine(settings()).as(BatchScoring.class).orElseThrow();
    List<List<TokenScore>> s = b.scoreBatch(List.of("The sky is", "Grass", "Grass is"), List.of(" blue", "", " green"));
    assertEquals(List.of(
        List.of(new TokenScore(" blue", -1, -1.25, false)),
        List.of(), // an empty continuation is not sent
        List.of(new TokenScore(" green", -1, -0.25, true))), s);
    assertEquals(1, server.getRequestCount());
    RecordedRequest req = server.takeRequest();
    assertEquals("/v1/completions", req.getUrl().encodedPath());
    JsonNode body = body(req);
    assertEquals(M.readTree(q("{'model':'test-model','prompt':['The sky is blue','Grass is green'],'max_tokens':0,"
        + "'temperature':0.0,'echo':true,'logprobs':1}")), body);
  }

  @Test
  void batchScoringEqualsOneScoreCallPerPair() throws Exception {
    server.enqueue(ok(ECHO_TWO));
    server.enqueue(ok(ECHO_SKY));
    server.enqueue(ok(ECHO_GRASS));
    OpenAiEngine e = engine(settings());
    List<List<TokenScore>> batch = e.scoreBatch(List.of("The sky", "Grass is"), List.of(" is blue", " green"));
    assertEquals(List.of(e.score("The sky", " is blue"), e.score("Grass is", " green")), batch);
    assertEquals(List.of(new TokenScore(" is", -1, -0.5, true), new TokenScore(" blue", -1, -1.25, false)), batch.get(0));
  }

  @Test
  void aServerThatRefusesListPromptsIsAskedOnePromptAtATimeFromThenOn() throws Exception {
    server.enqueue(status(400, "{'error':{'message':'prompt must be a string'}}")); // max_tokens 0, list
    server.enqueue(status(400, "{'error':{'message':'prompt must be a string'}}")); // max_tokens 1, list
    server.enqueue(ok(ECHO_SKY));
    server.enqueue(ok(ECHO_GRASS));
    server.enqueue(ok(ECHO_SKY));
    server.enqueue(ok(ECHO_GRASS));
    OpenAiEngine e = engine(settings());
    List<List<TokenScore>> s = e.scoreBatch(List.of("The sky is", "Grass is"), List.of(" blue", " green"));
    assertEquals(List.of(List.of(new TokenScore(" blue", -1, -1.25, false)), List.of(new TokenScore(" green", -1, -0.25, true))), s);
    assertTrue(body(server.takeRequest()).get("prompt").isArray());
    JsonNode second = body(server.takeRequest());
    assertTrue(second.get("prompt").isArray());
    assertEquals(1, second.get("max_tokens").asInt());
    assertEquals("The sky is blue", body(server.takeRequest()).get("prompt").asText());
    assertEquals("Grass is green", body(server.takeRequest()).get("prompt").asText());
    assertEquals(s, e.scoreBatch(List.of("The sky is", "Grass is"), List.of(" blue", " green")));
    assertEquals("The sky is blue", body(server.takeRequest()).get("prompt").asText()); // no list tried again
    assertEquals(6, server.getRequestCount());
  }

  @Test
  void batchScoringRefusesAResponseWithoutAChoicePerPrompt() {
    server.enqueue(ok(ECHO_SKY)); // one choice for two prompts
    OpenAiEngine e = engine(settings());
    var ex = assertThrows(dev.harness.engine.EngineException.class,
        () -> e.scoreBatch(List.of("The sky is", "Grass is"), List.of(" blue", " green")));
    assertTrue(ex.getMessage().contains("no choice for prompt 1 of 2"), ex.getMessage());
  }

  @Test
  void batchGenerationSendsRunsOfEqualSettingsAsOneListPrompt() throws Exception {
    server.enqueue(ok("{'id':'cmpl-1','choices':[{'index':1,'text':' green','finish_reason':'stop'},"
        + "{'index':0,'text':' blue','finish_reason':'length'}],'usage':{'prompt_tokens':7,'completion_tokens':2}}"));
    server.enqueue(ok("{'choices':[{'index':0,'text':' wet','finish_reason':'stop'}]}"));
    OpenAiEngine e = engine(settings().withEndpoint(OpenAiSettings.COMPLETIONS));
    BatchGeneration g = e.as(BatchGeneration.class).orElseThrow();
    CompletionRequest a = new CompletionRequest(Prompt.text("The sky is"), 4, 0.0, 1.0, 7L, List.of(), false, 0, null);
    CompletionRequest b = new CompletionRequest(Prompt.text("Grass is"), 4, 0.0, 1.0, 7L, List.of(), false, 0, null);
    CompletionRequest c = new CompletionRequest(Prompt.text("Rain is"), 4, 0.0, 1.0, 8L, List.of(), false, 0, null);
    List<Completion> out = g.completeBatch(List.of(a, b, c));
    assertEquals(List.of(" blue", " green", " wet"), out.stream().map(Completion::text).toList());
    assertEquals(List.of("length", "stop", "stop"), out.stream().map(Completion::finishReason).toList());
    assertEquals(2, out.get(0).telemetry().extra().get("batch_size"));
    assertEquals("cmpl-1", out.get(1).telemetry().extra().get("response_id"));
    assertEquals(-1, out.get(0).usage().promptTokens()); // the response's usage is the batch's total
    assertEquals(M.readTree(q("{'model':'test-model','prompt':['The sky is','Grass is'],'max_tokens':4,'temperature':0.0,"
        + "'top_p':1.0,'seed':7}")), body(server.takeRequest()));
    JsonNode single = body(server.takeRequest()); // another seed: its own request, through complete
    assertEquals("Rain is", single.get("prompt").asText());
    assertEquals(8, single.get("seed").asInt());
  }

  @Test
  void theChatEndpointHasNoBatchGenerationAndNoEngineHasLocalOnlyCapabilities() {
    OpenAiEngine chat = engine(settings());
    assertTrue(chat.as(BatchGeneration.class).isEmpty());
    assertTrue(chat.as(BatchScoring.class).isPresent()); // score always uses /completions
    for (Class<?> local : List.of(IdGeneration.class, IdScoring.class, SharedPrefixScoring.class, CompressedLoglik.class,
        FullNextToken.class, InProcess.class)) {
      assertFalse(chat.can(local), local.getSimpleName());
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void tokenIdsComeFromVllmsTokenizeAtTheServerRoot() throws Exception {
    server.enqueue(ok("{'count':1,'max_model_len':4096,'tokens':[15339]}")); // probe, text
    server.enqueue(ok("{'count':9,'max_model_len':4096,'tokens':[1,2,3,4,5,6,7,8,9]}")); // probe, chat
    server.enqueue(ok("{'count':3,'max_model_len':4096,'tokens':[791,13180,374]}"));
    server.enqueue(ok("{'count':5,'max_model_len':4096,'tokens':[1,882,25,13347,2]}"));
    server.enqueue(ok("{'count':3,'max_model_len':4096,'tokens':[791,13180,374]}"));
    server.enqueue(ok("{'count':4,'max_model_len':4096,'tokens':[791,13180,374,6437]}"));
    OpenAiEngine e = engine(settings());
    TokenIds t = e.as(TokenIds.class).orElseThrow();
    assertEquals(4096, t.contextWindow());
    assertArrayEquals(new int[] {791, 13180, 374}, t.promptIds(Prompt.text("The sky is")));
    assertArrayEquals(new int[] {1, 882, 25, 13347, 2},
        t.promptIds(Prompt.chat(List.of(Message.user("Hi"))).withPrefill("My answer is:")));
    assertArrayEquals(new int[] {6437}, t.continuationIds(Prompt.text("The sky is"), " blue"));
    assertTrue(e.as(TokenIds.class).isPresent()); // probed once
    assertEquals(6, server.getRequestCount());

    RecordedRequest probe = server.takeRequest();
    assertEquals("/tokenize", probe.getUrl().encodedPath());
    assertEquals("Bearer " + KEY, probe.getHeaders().get("Authorization"));
    assertEquals(M.readTree(q("{'model':'test-model','prompt':'hello','add_special_tokens':true}")), body(probe));
    assertEquals(M.readTree(q("{'model':'test-model','messages':[{'role':'user','content':'hello'}],"
        + "'add_generation_prompt':true}")), body(server.takeRequest()));
    assertEquals(M.readTree(q("{'model':'test-model','prompt':'The sky is','add_special_tokens':true}")),
        body(server.takeRequest()));
    assertEquals(M.readTree(q("{'model':'test-model','messages':[{'role':'user','content':'Hi'},"
        + "{'role':'assistant','content':'My answer is:'}],'add_generation_prompt':false,'continue_final_message':true}")),
        body(server.takeRequest()));
    server.takeRequest();
    assertEquals("The sky is blue", body(server.takeRequest()).get("prompt").asText());
  }

  @Test
  void aServerWithoutTokenizeLacksTokenIdsAndIsAskedOnce() throws Exception {
    server.enqueue(status(404, "{'error':{'message':'Not Found'}}"));
    OpenAiEngine e = engine(settings());
    assertTrue(e.as(TokenIds.class).isEmpty());
    assertFalse(e.can(TokenIds.class));
    assertEquals(1, server.getRequestCount()); // no retry, no second probe
    assertEquals("/tokenize", server.takeRequest().getUrl().encodedPath());
  }

  @Test
  void aServerWithOnlyTheTextFormOfTokenizeLacksTokenIds() {
    server.enqueue(ok("{'count':1,'max_model_len':2048,'tokens':[15339]}"));
    server.enqueue(status(400, "{'error':{'message':\"'prompt' must be a string.\"}}"));
    assertTrue(engine(settings()).as(TokenIds.class).isEmpty());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void tokenizeUrlDropsTheApiVersion() {
    assertEquals("http://h:8000/tokenize", VllmTokenIds.tokenizeUrl("http://h:8000/v1"));
    assertEquals("http://h:8000/tokenize", VllmTokenIds.tokenizeUrl("http://h:8000/v1/"));
    assertEquals("http://h:8000/api/tokenize", VllmTokenIds.tokenizeUrl("http://h:8000/api"));
  }
}
