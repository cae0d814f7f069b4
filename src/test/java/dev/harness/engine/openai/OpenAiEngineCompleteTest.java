package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class OpenAiEngineCompleteTest extends EngineTestBase {

  private static final Prompt CHAT = Prompt.chat(List.of(Message.system("Be brief."), Message.user("Say hi")));

  @Test
  void chatSuccessWithLogprobsAndRequestFields() throws Exception {
    server.enqueue(ok("{'id':'r1','choices':[{'index':0,'message':{'role':'assistant','content':'Hi!'},'finish_reason':'stop',"
        + "'logprobs':{'content':["
        + "{'token':'Hi','logprob':-0.25,'bytes':[72,105],'top_logprobs':[{'token':'Hi','logprob':-0.25,'bytes':[72,105]},{'token':'Hello','logprob':-1.5,'bytes':[72,101,108,108,111]}]},"
        + "{'token':'!','logprob':-0.5,'bytes':[33],'top_logprobs':[{'token':'.','logprob':-1.0,'bytes':[46]},{'token':'!','logprob':-0.5,'bytes':[33]}]}]}}],"
        + "'usage':{'prompt_tokens':7,'completion_tokens':2,'total_tokens':9}}"));
    CompletionRequest r = new CompletionRequest(CHAT, 16, 0.7, 0.9, 123L, List.of("\n"), true, 2, null);
    Completion c = engine(settings()).complete(r);

    assertEquals("Hi!", c.text());
    assertEquals("stop", c.finishReason());
    assertEquals(7, c.usage().promptTokens());
    assertEquals(2, c.usage().completionTokens());
    assertEquals(2, c.tokens().size());
    TokenLogprob t0 = c.tokens().get(0);
    assertEquals("Hi", t0.token());
    assertEquals(-0.25, t0.logprob());
    assertArrayEquals(new byte[] {72, 105}, t0.bytes());
    assertEquals(List.of(new TopLogprob("Hi", -1, -0.25), new TopLogprob("Hello", -1, -1.5)), t0.top());
    assertEquals(List.of(new TopLogprob("!", -1, -0.5), new TopLogprob(".", -1, -1.0)), c.tokens().get(1).top());
    assertEquals(200, c.telemetry().httpStatus());
    assertEquals(1, c.telemetry().attempts());
    assertTrue(c.telemetry().latencyMs() > 0);
    assertNull(c.telemetry().ttftMs());
    assertEquals("r1", c.telemetry().extra().get("response_id"));

    RecordedRequest req = server.takeRequest();
    assertEquals("/v1/chat/completions", req.getUrl().encodedPath());
    assertEquals("Bearer " + KEY, req.getHeaders().get("Authorization"));
    JsonNode b = body(req);
    assertEquals("test-model", b.get("model").asText());
    assertEquals(2, b.get("messages").size());
    assertEquals("system", b.get("messages").get(0).get("role").asText());
    assertEquals("Say hi", b.get("messages").get(1).get("content").asText());
    assertEquals(16, b.get("max_tokens").asInt());
    assertEquals(0.7, b.get("temperature").asDouble());
    assertEquals(0.9, b.get("top_p").asDouble());
    assertEquals(123, b.get("seed").asLong());
    assertEquals("\n", b.get("stop").get(0).asText());
    assertTrue(b.get("logprobs").asBoolean());
    assertEquals(2, b.get("top_logprobs").asInt());
    assertFalse(b.has("stream"));
    assertFalse(b.has("continue_final_message"));
  }

  @Test
  void prefillIsAFinalAssistantMessageThatIsContinued() throws Exception {
    server.enqueue(ok(chatText("red", "stop")));
    Completion c = engine(settings()).complete(CompletionRequest.greedy(CHAT.withPrefill("My answer is "), 4));
    assertEquals("red", c.text());
    JsonNode b = body(server.takeRequest());
    JsonNode last = b.get("messages").get(2);
    assertEquals("assistant", last.get("role").asText());
    assertEquals("My answer is ", last.get("content").asText());
    assertTrue(b.get("continue_final_message").asBoolean());
    assertFalse(b.get("add_generation_prompt").asBoolean());
    assertFalse(b.has("logprobs"));
    assertFalse(b.has("seed"));
    assertFalse(b.has("stop"));
  }

  @Test
  void legacyCompletionsLogprobsAndLengthFinish() throws Exception {
    server.enqueue(ok("{'choices':[{'text':' red','index':0,'finish_reason':'length','logprobs':{'tokens':[' red'],"
        + "'token_logprobs':[-0.3567],'top_logprobs':[{' blue':-1.2,' red':-0.3567}],'text_offset':[10]}}],"
        + "'usage':{'prompt_tokens':3,'completion_tokens':1}}"));
    OpenAiEngine e = engine(settings().withEndpoint("completions"));
    Completion c = e.complete(CompletionRequest.greedy(Prompt.text("Colour:").withPrefill(" a"), 1).withLogprobs(5));
    assertEquals(" red", c.text());
    assertEquals("length", c.finishReason());
    assertEquals(1, c.tokens().size());
    assertEquals(-0.3567, c.tokens().get(0).logprob());
    assertEquals(List.of(new TopLogprob(" red", -1, -0.3567), new TopLogprob(" blue", -1, -1.2)), c.tokens().get(0).top());
    RecordedRequest req = server.takeRequest();
    assertEquals("/v1/completions", req.getUrl().encodedPath());
    JsonNode b = body(req);
    assertEquals("Colour: a", b.get("prompt").asText());
    assertEquals(5, b.get("logprobs").asInt());
    assertFalse(b.has("messages"));
  }

  @Test
  void chatPromptOnCompletionsEndpointIsRefused() {
    OpenAiEngine e = engine(settings().withEndpoint("completions"));
    assertThrows(IllegalArgumentException.class, () -> e.complete(CompletionRequest.greedy(CHAT, 1)));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void emptyAndNullContentGiveEmptyText() {
    server.enqueue(ok(chatText("", "stop")));
    server.enqueue(ok("{'choices':[{'message':{'role':'assistant','content':null},'finish_reason':'stop'}]}"));
    OpenAiEngine e = engine(settings());
    Completion a = e.complete(CompletionRequest.greedy(CHAT, 4));
    Completion b = e.complete(CompletionRequest.greedy(CHAT, 4));
    assertEquals("", a.text());
    assertEquals("", b.text());
    assertEquals("stop", b.finishReason());
    assertEquals(-1, b.usage().promptTokens());
  }

  @Test
  void missingLogprobsWhenAskedIsAnError() {
    server.enqueue(ok("{'choices':[{'message':{'content':'hi'},'finish_reason':'stop','logprobs':null}],'provider':'SomeHost'}"));
    EngineException ex = assertThrows(EngineException.class,
        () -> engine(settings()).complete(CompletionRequest.greedy(CHAT, 4).withLogprobs(5)));
    assertEquals(ErrorKind.ENGINE_ERROR, ex.kind());
    assertTrue(ex.getMessage().contains("SomeHost"), ex.getMessage());
  }

  @Test
  void streamingAccumulatesTextLogprobsFinishUsageAndTtft() throws Exception {
    String sse = ""
        + "data: {'id':'s1','choices':[{'index':0,'delta':{'role':'assistant','content':''},'finish_reason':null}]}\n\n"
        + ": keep-alive comment\n\n"
        + "data: {'id':'s1','choices':[{'index':0,'delta':{'content':'Hel'},'logprobs':{'content':[{'token':'Hel','logprob':-0.1,'bytes':[72,101,108],'top_logprobs':[]}]},'finish_reason':null}]}\n\n"
        + "data: {'id':'s1','choices':[{'index':0,'delta':{'content':'lo'},'logprobs':{'content':[{'token':'lo','logprob':-0.2,'bytes':[108,111],'top_logprobs':[]}]},'finish_reason':null}]}\n\n"
        + "data: {'id':'s1','choices':[{'index':0,'delta':{},'finish_reason':'length'}]}\n\n"
        + "data: {'id':'s1','choices':[],'usage':{'prompt_tokens':4,'completion_tokens':2}}\n\n"
        + "data: [DONE]\n\n";
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").body(q(sse)).build());
    Completion c = engine(settings().withStream(true)).complete(CompletionRequest.greedy(CHAT, 2).withLogprobs(0));
    assertEquals("Hello", c.text());
    assertEquals("length", c.finishReason());
    assertEquals(List.of("Hel", "lo"), c.tokens().stream().map(TokenLogprob::token).toList());
    assertEquals(-0.2, c.tokens().get(1).logprob());
    assertEquals(4, c.usage().promptTokens());
    assertEquals(2, c.usage().completionTokens());
    assertNotNull(c.telemetry().ttftMs());
    assertTrue(c.telemetry().ttftMs() <= c.telemetry().latencyMs());
    JsonNode b = body(server.takeRequest());
    assertTrue(b.get("stream").asBoolean());
    assertTrue(b.get("stream_options").get("include_usage").asBoolean());
  }

  @Test
  void streamingErrorChunkIsAnEngineError() {
    String sse = "data: {'error':{'message':'model overloaded','code':400}}\n\n";
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").body(q(sse)).build());
    EngineException ex = assertThrows(EngineException.class,
        () -> engine(settings().withStream(true)).complete(CompletionRequest.greedy(CHAT, 2)));
    assertEquals(ErrorKind.ENGINE_ERROR, ex.kind());
    assertTrue(ex.getMessage().contains("model overloaded"));
  }
}
