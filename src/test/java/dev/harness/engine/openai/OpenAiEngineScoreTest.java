package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harness.engine.EngineException;
import dev.harness.engine.Message;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenScore;
import dev.harness.engine.TopLogprob;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class OpenAiEngineScoreTest extends EngineTestBase {
  // "The sky is blue": tokens at code-point offsets 0, 3, 7, 10
  private static final String ECHO = "{'choices':[{'text':'The sky is blue','finish_reason':'length','logprobs':{"
      + "'tokens':['The',' sky',' is',' blue'],'token_logprobs':[null,-2.0,-0.5,-1.25],"
      + "'top_logprobs':[null,{' sky':-2.0},{' is':-0.5},{' red':-0.9,' blue':-1.25}],'text_offset':[0,3,7,10]}}]}";

  @Test
  void scoreTakesTokensFromTheContextBoundary() throws Exception {
    server.enqueue(ok(ECHO));
    List<TokenScore> s = engine(settings()).score("The sky", " is blue");
    assertEquals(List.of(new TokenScore(" is", -1, -0.5, true), new TokenScore(" blue", -1, -1.25, false)), s);
    RecordedRequest req = server.takeRequest();
    assertEquals("/v1/completions", req.getUrl().encodedPath()); // even though the engine's endpoint is chat
    JsonNode b = body(req);
    assertEquals("The sky is blue", b.get("prompt").asText());
    assertTrue(b.get("echo").asBoolean());
    assertEquals(1, b.get("logprobs").asInt());
    assertEquals(0, b.get("max_tokens").asInt());
  }

  @Test
  void scoreFallsBackToOneTokenWhenZeroIsRejectedAndRemembers() throws Exception {
    server.enqueue(status(400, "{'error':{'message':'max_tokens must be at least 1, got 0.'}}"));
    String withGenerated = ECHO.replace("'tokens':['The',' sky',' is',' blue']", "'tokens':['The',' sky',' is',' blue','.']")
        .replace("[null,-2.0,-0.5,-1.25]", "[null,-2.0,-0.5,-1.25,-0.1]")
        .replace("{' red':-0.9,' blue':-1.25}]", "{' red':-0.9,' blue':-1.25},{'.':-0.1}]")
        .replace("[0,3,7,10]", "[0,3,7,10,15]");
    server.enqueue(ok(withGenerated));
    server.enqueue(ok(withGenerated));
    OpenAiEngine e = engine(settings());
    List<TokenScore> s = e.score("The sky is", " blue");
    assertEquals(List.of(new TokenScore(" blue", -1, -1.25, false)), s);
    assertEquals(0, body(server.takeRequest()).get("max_tokens").asInt());
    assertEquals(1, body(server.takeRequest()).get("max_tokens").asInt());
    e.score("The sky is", " blue");
    assertEquals(1, body(server.takeRequest()).get("max_tokens").asInt());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void scoreReadsVllmPromptLogprobs() {
    server.enqueue(ok("{'choices':[{'text':'','prompt_logprobs':[null,"
        + "{'1234':{'logprob':-2.0,'rank':3,'decoded_token':' sky'},'10':{'logprob':-0.1,'rank':1,'decoded_token':' is'}},"
        + "{'318':{'logprob':-0.5,'rank':1,'decoded_token':' is'}},"
        + "{'4171':{'logprob':-1.25,'rank':2,'decoded_token':' blue'},'2266':{'logprob':-0.9,'rank':1,'decoded_token':' red'}}]}]}"));
    List<TokenScore> s = engine(settings()).score("The sky", " is blue");
    assertEquals(List.of(new TokenScore(" is", 318, -0.5, true), new TokenScore(" blue", 4171, -1.25, false)), s);
  }

  @Test
  void scoreWithoutPromptLogprobsFailsLoudly() {
    server.enqueue(ok("{'choices':[{'text':'x','logprobs':null}]}"));
    assertThrows(EngineException.class, () -> engine(settings()).score("a", "b"));
    assertThrows(IllegalArgumentException.class, () -> engine(settings()).score("", "b"));
  }

  @Test
  void nextTokenAsksForTopKCappedAt20AndComputesRestMass() throws Exception {
    // ln 0.6 = -0.5108256237659907, ln 0.3 = -1.2039728043259361 → rest = 0.1
    String resp = "{'choices':[{'message':{'content':'red'},'finish_reason':'length','logprobs':{'content':[{'token':'red',"
        + "'logprob':-0.5108256237659907,'top_logprobs':[{'token':'blue','logprob':-1.2039728043259361},"
        + "{'token':'red','logprob':-0.5108256237659907}]}]}}]}";
    server.enqueue(ok(resp));
    server.enqueue(ok(resp));
    server.enqueue(ok(resp));
    OpenAiEngine e = engine(settings());
    Prompt p = Prompt.chat(List.of(Message.user("Pick a colour"))).withPrefill("My colour: ");
    NextToken n = e.nextToken(p, 2);
    assertEquals(List.of(new TopLogprob("red", -1, -0.5108256237659907), new TopLogprob("blue", -1, -1.2039728043259361)), n.top());
    assertEquals(0.1, n.restMass(), 1e-12);
    assertFalse(n.fullVocabulary());
    assertEquals(-1, n.vocabSize());
    JsonNode b = body(server.takeRequest());
    assertEquals(2, b.get("top_logprobs").asInt());
    assertEquals(1, b.get("max_tokens").asInt());
    assertTrue(b.get("continue_final_message").asBoolean());
    e.nextToken(p, 0);
    assertEquals(20, body(server.takeRequest()).get("top_logprobs").asInt());
    e.nextToken(p, 100);
    assertEquals(20, body(server.takeRequest()).get("top_logprobs").asInt());
  }
}
