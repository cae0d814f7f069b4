package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact response shapes over raw HTTP. */
class OpenAiServerShapesTest extends ServerTestBase {

  @Test
  void modelsListsTheModel() throws Exception {
    OpenAiServer s = start();
    assertTrue(s.baseUrl().toString().matches("http://127\\.0\\.0\\.1:\\d+/v1"), s.baseUrl().toString());
    Resp r = send(s, "GET", "/v1/models");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/json"));
    JsonNode n = r.json();
    assertKeys(n, "object", "data");
    assertEquals("list", n.get("object").asText());
    assertEquals(1, n.get("data").size());
    assertKeys(n.get("data").get(0), "id", "object", "created", "owned_by");
    assertEquals("m", n.get("data").get(0).get("id").asText());
    assertEquals("model", n.get("data").get(0).get("object").asText());
    assertEquals(200, send(s, "GET", "/v1/models/m").status());
    assertError(send(s, "GET", "/v1/models/other"), 404, "model");
  }

  @Test
  void chatShapeWithoutLogprobs() throws Exception {
    OpenAiServer s = start();
    Resp r = post(s, "/chat/completions", "{'model':'m','messages':[{'role':'user','content':'one two three'}],'max_tokens':10}");
    assertEquals(200, r.status(), r.body());
    JsonNode n = r.json();
    assertKeys(n, "id", "object", "created", "model", "choices", "usage");
    assertEquals("chat.completion", n.get("object").asText());
    assertTrue(n.get("id").asText().startsWith("chatcmpl-"));
    assertEquals("m", n.get("model").asText());
    assertTrue(n.get("created").isIntegralNumber());
    JsonNode c = n.get("choices").get(0);
    assertKeys(c, "index", "message", "logprobs", "finish_reason");
    assertEquals(0, c.get("index").asInt());
    assertKeys(c.get("message"), "role", "content");
    assertEquals("assistant", c.get("message").get("role").asText());
    assertEquals(" three two one", c.get("message").get("content").asText());
    assertTrue(c.get("logprobs").isNull());
    assertEquals("stop", c.get("finish_reason").asText());
    assertKeys(n.get("usage"), "prompt_tokens", "completion_tokens", "total_tokens");
    assertEquals(3, n.get("usage").get("prompt_tokens").asInt());
    assertEquals(3, n.get("usage").get("completion_tokens").asInt());
    assertEquals(6, n.get("usage").get("total_tokens").asInt());
  }

  @Test
  void chatLogprobsShape() throws Exception {
    OpenAiServer s = start();
    Resp r = post(s, "/chat/completions", "{'messages':[{'role':'user','content':'héllo world'}],'max_tokens':2,"
        + "'logprobs':true,'top_logprobs':3}");
    assertEquals(200, r.status(), r.body());
    JsonNode content = r.json().at("/choices/0/logprobs/content");
    assertKeys(r.json().at("/choices/0/logprobs"), "content");
    assertEquals(2, content.size());
    JsonNode t1 = content.get(1);
    assertKeys(t1, "token", "logprob", "bytes", "top_logprobs");
    assertEquals(" héllo", t1.get("token").asText());
    assertEquals(-(0.2 + 0.06), t1.get("logprob").asDouble(), 1e-12);
    List<Integer> bytes = new ArrayList<>();
    t1.get("bytes").forEach(b -> bytes.add(b.asInt()));
    List<Integer> expected = new ArrayList<>();
    for (byte b : " héllo".getBytes(StandardCharsets.UTF_8)) expected.add(b & 0xff);
    assertEquals(expected, bytes);
    assertEquals(3, t1.get("top_logprobs").size());
    assertKeys(t1.get("top_logprobs").get(2), "token", "logprob", "bytes");
    assertEquals(" alt2", t1.get("top_logprobs").get(2).get("token").asText());
    assertEquals(-(0.2 + 0.06) - 1.0, t1.get("top_logprobs").get(2).get("logprob").asDouble(), 1e-12);
    assertEquals("stop", r.json().at("/choices/0/finish_reason").asText());
  }

  @Test
  void completionsShapeWithLogprobs() throws Exception {
    OpenAiServer s = start();
    Resp r = post(s, "/completions", "{'model':'m','prompt':['a bb ccc'],'max_tokens':5,'logprobs':2,'stop':'zzz'}");
    assertEquals(200, r.status(), r.body());
    JsonNode n = r.json();
    assertKeys(n, "id", "object", "created", "model", "choices", "usage");
    assertEquals("text_completion", n.get("object").asText());
    assertTrue(n.get("id").asText().startsWith("cmpl-"));
    JsonNode c = n.get("choices").get(0);
    assertKeys(c, "index", "text", "logprobs", "finish_reason");
    assertEquals(" ccc bb a", c.get("text").asText());
    JsonNode lp = c.get("logprobs");
    assertKeys(lp, "tokens", "token_logprobs", "top_logprobs", "text_offset");
    assertEquals("[\" ccc\",\" bb\",\" a\"]", lp.get("tokens").toString());
    assertEquals("[0,4,7]", lp.get("text_offset").toString());
    assertEquals(-(0.1 + 0.04), lp.get("token_logprobs").get(0).asDouble(), 1e-12);
    assertKeys(lp.get("top_logprobs").get(0), " ccc", " alt1");
    assertEquals(-(0.1 + 0.04) - 0.5, lp.get("top_logprobs").get(0).get(" alt1").asDouble(), 1e-12);
  }

  @Test
  void echoReturnsPromptTokensWithNullFirstLogprob() throws Exception {
    OpenAiServer s = start();
    // what OpenAiEngine.score sends
    Resp r = post(s, "/completions", "{'model':'m','prompt':'The cat sat','max_tokens':0,'temperature':0.0,'echo':true,'logprobs':1}");
    assertEquals(200, r.status(), r.body());
    JsonNode c = r.json().get("choices").get(0);
    assertEquals("The cat sat", c.get("text").asText());
    assertEquals("length", c.get("finish_reason").asText());
    JsonNode lp = c.get("logprobs");
    assertEquals("[\"The\",\" cat\",\" sat\"]", lp.get("tokens").toString());
    assertEquals("[0,3,7]", lp.get("text_offset").toString());
    assertTrue(lp.get("token_logprobs").get(0).isNull());
    assertTrue(lp.get("top_logprobs").get(0).isNull());
    assertEquals(ReverseEngine.scoreLp(" cat", 1), lp.get("token_logprobs").get(1).asDouble(), 1e-12);
    assertTrue(lp.get("top_logprobs").get(1).isNull(), "token 1 is not greedy: no known alternatives");
    assertEquals(ReverseEngine.scoreLp(" sat", 2), lp.get("top_logprobs").get(2).get(" sat").asDouble(), 1e-12);
    assertEquals(3, r.json().at("/usage/prompt_tokens").asInt());
    assertEquals(0, r.json().at("/usage/completion_tokens").asInt());
  }

  @Test
  void echoWithGenerationAppendsCompletionTokensAfterThePrompt() throws Exception {
    OpenAiServer s = start();
    Resp r = post(s, "/completions", "{'prompt':'x ñy','max_tokens':1,'echo':true,'logprobs':1}");
    JsonNode c = r.json().get("choices").get(0);
    assertEquals("x ñy ñy", c.get("text").asText());
    assertEquals("[\"x\",\" ñy\",\" ñy\"]", c.at("/logprobs/tokens").toString());
    assertEquals("[0,1,4]", c.at("/logprobs/text_offset").toString());
    assertEquals("length", c.get("finish_reason").asText());
  }

  @Test
  void echoWithoutPromptScorerUsesScoreWithTheFirstToken() throws Exception {
    OpenAiServer s = start(ReverseEngine.withoutPromptScorer(engine), tok);
    Resp r = post(s, "/completions", "{'prompt':'The cat sat down','max_tokens':0,'echo':true,'logprobs':1}");
    JsonNode lp = r.json().at("/choices/0/logprobs");
    assertEquals("[\"The\",\" cat\",\" sat\",\" down\"]", lp.get("tokens").toString());
    assertEquals("[0,3,7,11]", lp.get("text_offset").toString());
    assertTrue(lp.get("token_logprobs").get(0).isNull());
    for (int i = 1; i < 4; i++) {
      assertEquals(ReverseEngine.scoreLp(lp.get("tokens").get(i).asText(), i), lp.get("token_logprobs").get(i).asDouble(), 1e-12);
    }
  }

  @Test
  void echoWithoutPromptScorerOrTokenizerIsRefused() throws Exception {
    OpenAiServer s = start(ReverseEngine.withoutPromptScorer(engine), null);
    assertError(post(s, "/completions", "{'prompt':'The cat','max_tokens':0,'echo':true,'logprobs':1}"), 400, "echo");
    // echo without logprobs needs no scoring
    Resp r = post(s, "/completions", "{'prompt':'The cat','max_tokens':0,'echo':true}");
    assertEquals("The cat", r.json().at("/choices/0/text").asText());
    assertTrue(r.json().at("/choices/0/logprobs").isNull());
  }

  @Test
  void chatStreamChunks() throws Exception {
    OpenAiServer s = start();
    Resp r = post(s, "/chat/completions", "{'messages':[{'role':'user','content':'a b'}],'stream':true,'logprobs':true,"
        + "'top_logprobs':1,'stream_options':{'include_usage':true}}");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
    List<String> events = events(r.body());
    assertEquals("[DONE]", events.get(events.size() - 1));
    List<JsonNode> chunks = new ArrayList<>();
    for (String e : events.subList(0, events.size() - 1)) chunks.add(M.readTree(e));
    assertEquals(5, chunks.size(), r.body()); // role, " b", " a", finish, usage
    String id = chunks.get(0).get("id").asText();
    for (JsonNode c : chunks) {
      assertEquals("chat.completion.chunk", c.get("object").asText());
      assertEquals(id, c.get("id").asText());
      assertKeys(c, "id", "object", "created", "model", "choices", "usage");
    }
    assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
    assertEquals(" b", chunks.get(1).at("/choices/0/delta/content").asText());
    assertEquals(" b", chunks.get(1).at("/choices/0/logprobs/content/0/token").asText());
    assertEquals(" a", chunks.get(2).at("/choices/0/delta/content").asText());
    assertTrue(chunks.get(2).at("/choices/0/finish_reason").isNull());
    assertEquals("stop", chunks.get(3).at("/choices/0/finish_reason").asText());
    assertKeys(chunks.get(3).at("/choices/0/delta"));
    assertEquals(0, chunks.get(4).get("choices").size());
    assertEquals(4, chunks.get(4).at("/usage/total_tokens").asInt());
    assertTrue(chunks.get(1).get("usage").isNull());
  }

  @Test
  void completionsStreamWithEcho() throws Exception {
    OpenAiServer s = start();
    Resp r = post(s, "/completions", "{'prompt':'p q','max_tokens':1,'stream':true,'echo':true,'logprobs':1}");
    List<String> events = events(r.body());
    assertEquals("[DONE]", events.get(events.size() - 1));
    StringBuilder text = new StringBuilder();
    List<Integer> offsets = new ArrayList<>();
    String finish = null;
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode c = M.readTree(e);
      assertEquals("text_completion", c.get("object").asText());
      assertKeys(c, "id", "object", "created", "model", "choices");
      JsonNode ch = c.at("/choices/0");
      text.append(ch.get("text").asText());
      ch.at("/logprobs/text_offset").forEach(o -> offsets.add(o.asInt()));
      if (!ch.get("finish_reason").isNull()) finish = ch.get("finish_reason").asText();
    }
    assertEquals("p q q", text.toString());
    assertEquals(List.of(0, 1, 3), offsets);
    assertEquals("length", finish);
  }

  @Test
  void logsOneLinePerRequest() throws Exception {
    OpenAiServer s = start();
    send(s, "GET", "/v1/models");
    post(s, "/chat/completions", "{}");
    String[] lines = logText.toString().split("\n");
    assertEquals(2, lines.length, logText.toString());
    assertTrue(lines[0].matches("GET /v1/models 200 \\d+ms"), lines[0]);
    assertTrue(lines[1].matches("POST /v1/chat/completions 400 \\d+ms"), lines[1]);
  }

  @Test
  void closeStopsListeningAndLeavesTheEngineAlone() throws Exception {
    OpenAiServer s = start();
    int port = s.port();
    s.close();
    s.close();
    assertFalse(canConnect(port));
  }

  private static boolean canConnect(int port) {
    try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static List<String> events(String body) {
    List<String> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) continue;
      assertTrue(block.startsWith("data: "), block);
      out.add(block.substring(6));
    }
    assertNull(body.endsWith("\n\n") ? null : body, "stream must end with a blank line");
    return out;
  }
}
