package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestParserTest {
  private static final ObjectMapper M = new ObjectMapper();
  private final WordTokenizer tok = new WordTokenizer();
  private final RequestParser p = new RequestParser("m", tok);

  private ServeRequest chat(String json) throws Exception { return p.chat(M.readTree(json.replace('\'', '"'))); }

  private ServeRequest completions(String json) throws Exception { return p.completions(M.readTree(json.replace('\'', '"'))); }

  @Test
  void chatDefaultsAndFields() throws Exception {
    ServeRequest r = chat("{'messages':[{'role':'developer','content':'sys'},{'role':'user','content':[{'type':'text','text':'a'},"
        + "{'type':'text','text':'b'}]},{'role':'assistant','content':null}]}");
    assertEquals(List.of(Message.system("sys"), Message.user("ab"), Message.assistant("")), r.prompt().messages());
    assertNull(r.prompt().prefill(), "a final assistant message without continue_final_message is not a prefill");
    assertEquals(RequestParser.DEFAULT_CHAT_MAX_TOKENS, r.maxTokens());
    assertEquals(1.0, r.temperature());
    assertEquals(1.0, r.topP());
    assertNull(r.seed());
    assertFalse(r.logprobs());
    assertNull(r.kv());

    ServeRequest s = chat("{'messages':[{'role':'user','content':'q'},{'role':'assistant','content':'A:'}],"
        + "'continue_final_message':true,'add_generation_prompt':false,'max_tokens':5,'max_completion_tokens':9,"
        + "'temperature':0,'top_p':0.5,'seed':12345678901,'stop':'\\n','logprobs':true,'top_logprobs':20,'n':null}");
    assertEquals(List.of(Message.user("q")), s.prompt().messages());
    assertEquals("A:", s.prompt().prefill());
    assertEquals(9, s.maxTokens(), "max_completion_tokens wins");
    assertEquals(0.0, s.temperature());
    assertEquals(0.5, s.topP());
    assertEquals(12345678901L, s.seed());
    assertEquals(List.of("\n"), s.stop());
    assertTrue(s.logprobs());
    assertEquals(20, s.topLogprobs());
    assertEquals(20, s.toEngine().topLogprobs());
  }

  @Test
  void completionsPromptForms() throws Exception {
    assertEquals("hi there", completions("{'prompt':'hi there'}").text());
    assertEquals("hi there", completions("{'prompt':['hi there']}").text());
    List<Integer> ids = tok.encode("hi there", false);
    assertEquals("hi there", completions("{'prompt':" + ids + "}").text());
    assertEquals("hi there", completions("{'prompt':[" + ids + "]}").text());
    ServeRequest r = completions("{'prompt':'x','max_tokens':0,'echo':true,'logprobs':0,'stop':['a','','b']}");
    assertEquals(0, r.maxTokens());
    assertTrue(r.echo());
    assertTrue(r.logprobs());
    assertEquals(0, r.topLogprobs());
    assertEquals(List.of("a", "b"), r.stop());
    assertEquals(RequestParser.DEFAULT_COMPLETIONS_MAX_TOKENS, completions("{'prompt':'x'}").maxTokens());
    assertEquals(2, completions("{'prompt':'x','max_tokens':2.0}").maxTokens(), "a whole-valued float is an integer");
  }

  @Test
  void tokenIdPromptsNeedATokenizer() throws Exception {
    RequestParser noTok = new RequestParser("m", null);
    ApiError e = assertThrows(ApiError.class, () -> noTok.completions(M.readTree("{\"prompt\":[1,2]}")));
    assertEquals("prompt", e.param());
    assertEquals(400, e.status());
  }

  @Test
  void kvBudgetAsNumericStringIsAccepted() throws Exception {
    ServeRequest r = completions("{'prompt':'x','kv_budget':'0.5','kv_policy':'h2o'}");
    assertEquals(0.5, r.kv().budget());
    assertEquals("h2o", r.kv().policy());
    assertTrue(r.kv().queryAware());
    ApiError e = assertThrows(ApiError.class, () -> completions("{'prompt':'x','kv_budget':-0.1}"));
    assertEquals("kv_budget", e.param());
  }
}
