package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Bad requests, routing errors and engine failures: OpenAI's error shape, right status, no stack trace. */
class OpenAiServerErrorsTest extends ServerTestBase {

  @Test
  void missingMessages() throws Exception {
    OpenAiServer s = start();
    JsonNode err = assertError(post(s, "/chat/completions", "{'model':'m'}"), 400, "messages");
    assertEquals("invalid_request_error", err.get("type").asText());
    assertNull(engine.last, "the engine must not be called");
  }

  @Test
  void nOutOfRange() throws Exception {
    OpenAiServer s = start();
    assertError(post(s, "/chat/completions", "{'messages':[{'role':'user','content':'x'}],'n':0}"), 400, "n");
    assertError(post(s, "/completions", "{'prompt':'x','n':" + (RequestParser.MAX_N + 1) + "}"), 400, "n");
    assertError(post(s, "/completions", "{'prompt':'x','n':2,'best_of':3}"), 400, "best_of");
    assertError(post(s, "/completions", "{'prompt':['x', [1]]}"), 400, "prompt");
    assertEquals(200, post(s, "/chat/completions", "{'messages':[{'role':'user','content':'x'}],'n':1}").status());
  }

  @Test
  void invalidJson() throws Exception {
    OpenAiServer s = start();
    assertError(post(s, "/chat/completions", "{'messages': ["), 400, null);
    assertError(post(s, "/completions", "not json"), 400, null);
    assertError(post(s, "/completions", "[1,2]"), 400, null);
    assertError(post(s, "/completions", ""), 400, null);
  }

  @Test
  void kvBudgetOutOfRange() throws Exception {
    OpenAiServer s = start();
    String msgs = "'messages':[{'role':'user','content':'x'}]";
    assertError(post(s, "/chat/completions", "{" + msgs + ",'kv_budget':1.5}"), 400, "kv_budget");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'kv_budget':0}"), 400, "kv_budget");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'kv_budget':'half'}"), 400, "kv_budget");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'kv_policy':7}"), 400, "kv_policy");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'kv_params':[1]}"), 400, "kv_params");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'kv_query_aware':'yes'}"), 400, "kv_query_aware");
    assertNull(engine.last);
  }

  @Test
  void otherInvalidFields() throws Exception {
    OpenAiServer s = start();
    String msgs = "'messages':[{'role':'user','content':'x'}]";
    assertError(post(s, "/chat/completions", "{" + msgs + ",'max_tokens':0}"), 400, "max_tokens");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'max_tokens':'ten'}"), 400, "max_tokens");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'temperature':-1}"), 400, "temperature");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'top_p':0}"), 400, "top_p");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'stop':[1]}"), 400, "stop");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'top_logprobs':3}"), 400, "top_logprobs");
    assertError(post(s, "/chat/completions", "{" + msgs + ",'stream':'yes'}"), 400, "stream");
    assertError(post(s, "/chat/completions", "{'messages':[]}"), 400, "messages");
    assertError(post(s, "/chat/completions", "{'messages':[{'role':'tool','content':'x'}]}"), 400, "messages[0].role");
    assertError(post(s, "/chat/completions", "{'messages':[{'role':'user','content':[{'type':'image_url'}]}]}"), 400,
        "messages[0].content");
    assertError(post(s, "/chat/completions", "{'messages':[{'role':'user','content':'x'}],'continue_final_message':true}"), 400,
        "messages");
    assertError(post(s, "/chat/completions", "{'messages':[{'role':'assistant','content':'x'}],'continue_final_message':true,"
        + "'add_generation_prompt':true}"), 400, "continue_final_message");
    assertError(post(s, "/completions", "{'max_tokens':3}"), 400, "prompt");
    assertError(post(s, "/completions", "{'prompt':[]}"), 400, "prompt");
    assertError(post(s, "/completions", "{'prompt':[[1],[]]}"), 400, "prompt");
    assertError(post(s, "/completions", "{'prompt':'a','logprobs':true}"), 400, "logprobs");
    assertError(post(s, "/completions", "{'prompt':'a','max_tokens':-1}"), 400, "max_tokens");
    JsonNode err = assertError(post(s, "/completions", "{'prompt':'a','model':'gpt-4'}"), 404, "model");
    assertEquals("model_not_found", err.get("code").asText());
  }

  @Test
  void unknownPathAndWrongMethod() throws Exception {
    OpenAiServer s = start();
    assertError(send(s, "GET", "/v1/nothing"), 404, null);
    assertError(send(s, "POST", "/v2/chat/completions"), 404, null);
    Resp r = send(s, "GET", "/v1/chat/completions");
    assertError(r, 405, null);
    HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, raw.statusCode());
    assertEquals("GET", raw.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void engineFailures() throws Exception {
    OpenAiServer s = start();
    JsonNode e500 = assertError(post(s, "/chat/completions", "{'messages':[{'role':'user','content':'FAIL_ENGINE'}]}"), 500, null);
    assertEquals("the model fell over", e500.get("message").asText());
    assertEquals("server_error", e500.get("type").asText());
    JsonNode e503 = assertError(post(s, "/completions", "{'prompt':'FAIL_RATE'}"), 503, null);
    assertEquals("too busy", e503.get("message").asText());
    JsonNode e400 = assertError(post(s, "/completions", "{'prompt':'FAIL_ARG'}"), 400, null);
    assertTrue(e400.get("message").asText().contains("prompt too long"));
    JsonNode npe = assertError(post(s, "/completions", "{'prompt':'FAIL_NPE','stream':true}"), 500, null);
    assertTrue(npe.get("message").asText().contains("NullPointerException"), npe.toString());
    // the server still answers afterwards
    assertEquals(200, post(s, "/completions", "{'prompt':'ok'}").status());
  }
}
