package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.Prompt;
import org.junit.jupiter.api.Test;

class SecretsTest extends EngineTestBase {

  @Test
  void keyOnlyInTheAuthorizationHeader() throws Exception {
    server.enqueue(status(401, "{'error':{'message':'Incorrect API key provided: " + KEY + ". Check it.'}}"));
    OpenAiSettings s = settings();
    OpenAiEngine e = engine(s);
    EngineException ex = assertThrows(EngineException.class, () -> e.complete(CompletionRequest.greedy(Prompt.text("hi"), 1)));
    assertEquals(401, ex.httpStatus());
    assertEquals(1, ex.attempts());
    assertEquals("Bearer " + KEY, server.takeRequest().getHeaders().get("Authorization"));
    assertFalse(ex.getMessage().contains(KEY), ex.getMessage());
    assertTrue(ex.getMessage().contains("Incorrect API key provided: ***"), ex.getMessage());
    assertFalse(s.toString().contains(KEY));
    assertTrue(s.toString().contains("apiKey=***"));
    assertFalse(e.toString().contains(KEY));
    EngineInfo info = e.info();
    assertFalse(info.toString().contains(KEY));
    assertEquals("openai", info.kind());
    assertEquals("test-model", info.model());
    assertEquals("chat", info.details().get("endpoint"));
  }

  @Test
  void noKeyNoHeader() throws Exception {
    server.enqueue(ok(chatText("hi", "stop")));
    OpenAiEngine e = engine(OpenAiSettings.of(base(server), "m", null));
    e.complete(CompletionRequest.greedy(Prompt.text("hi"), 1));
    assertNull(server.takeRequest().getHeaders().get("Authorization"));
    assertTrue(e.settings().toString().contains("apiKey=<none>"));
  }
}
