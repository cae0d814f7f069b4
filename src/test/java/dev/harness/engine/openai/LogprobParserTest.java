package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TopLogprob;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogprobParserTest {
  private static final ObjectMapper M = new ObjectMapper();

  static JsonNode json(String s) throws Exception { return M.readTree(s.replace('\'', '"')); }

  @Test
  void chatFormat() throws Exception {
    JsonNode r = json("{'choices':[{'message':{'content':'Hé'},'logprobs':{'content':["
        + "{'token':'H','logprob':-0.25,'bytes':[72],'top_logprobs':[{'token':'H','logprob':-0.25,'bytes':[72]},{'token':'Y','logprob':-1.75,'bytes':[89]}]},"
        + "{'token':'é','logprob':-0.5,'bytes':[195,169],'top_logprobs':[{'token':'e','logprob':-1.0},{'token':'é','logprob':-0.5}]}]}}]}");
    List<TokenLogprob> t = LogprobParser.tokens(r);
    assertEquals(2, t.size());
    assertEquals("H", t.get(0).token());
    assertEquals(-1, t.get(0).id());
    assertEquals(-0.25, t.get(0).logprob());
    assertArrayEquals(new byte[] {72}, t.get(0).bytes());
    assertEquals(List.of(new TopLogprob("H", -1, -0.25), new TopLogprob("Y", -1, -1.75)), t.get(0).top());
    assertArrayEquals(new byte[] {(byte) 195, (byte) 169}, t.get(1).bytes());
    // most probable first, whatever order the server used
    assertEquals(List.of(new TopLogprob("é", -1, -0.5), new TopLogprob("e", -1, -1.0)), t.get(1).top());
  }

  @Test
  void legacyFormatWithOffsetsAndNullFirstLogprob() throws Exception {
    JsonNode lp = json("{'tokens':['The',' sky',' blue'],'token_logprobs':[null,-2.0,-1.25],"
        + "'top_logprobs':[null,{' sky':-2.0},{' red':-0.9,' blue':-1.25}],'text_offset':[0,3,7]}");
    List<LogprobParser.PositionedToken> t = LogprobParser.legacy(lp);
    assertEquals(3, t.size());
    assertTrue(Double.isNaN(t.get(0).token().logprob()));
    assertEquals(List.of(), t.get(0).token().top());
    assertEquals(7, t.get(2).textOffset());
    assertEquals(-1.25, t.get(2).token().logprob());
    assertNull(t.get(2).token().bytes());
    assertEquals(List.of(new TopLogprob(" red", -1, -0.9), new TopLogprob(" blue", -1, -1.25)), t.get(2).token().top());
  }

  @Test
  void harnessDumpIdFieldsAreRead() throws Exception {
    // the kl dumps write an "id" beside "token" (two byte-fallback tokens share the text U+FFFD, not the id)
    JsonNode c = json("[{'token':'\uFFFD','id':13,'logprob':-0.5,'top_logprobs':[{'token':'\uFFFD','id':13,'logprob':-0.5},"
        + "{'token':'\uFFFD','id':230,'logprob':-1.0},{'token':'x','logprob':-2.0}]}]");
    TokenLogprob t = LogprobParser.chatContent(c).get(0);
    assertEquals(13, t.id());
    assertEquals(List.of(13, 230, -1), t.top().stream().map(TopLogprob::id).toList());
  }

  @Test
  void vllmTokenIdStrings() throws Exception {
    JsonNode r = json("{'choices':[{'text':'x','logprobs':{'tokens':['token_id:42'],'token_logprobs':[-0.1],"
        + "'top_logprobs':[{'token_id:42':-0.1,'token_id:7':-2.5}]}}]}");
    TokenLogprob t = LogprobParser.tokens(r).get(0);
    assertEquals(42, t.id());
    assertEquals(7, t.top().get(1).id());
  }

  @Test
  void vllmPromptLogprobsFirstKeyIsThePromptToken() throws Exception {
    JsonNode r = json("{'choices':[{'text':'','prompt_logprobs':[null,"
        + "{'1234':{'logprob':-2.0,'rank':3,'decoded_token':' sky'},'10':{'logprob':-0.1,'rank':1,'decoded_token':' is'}},"
        + "{'318':{'logprob':-0.5,'rank':1,'decoded_token':' is'}}]}]}");
    List<TokenLogprob> t = LogprobParser.promptLogprobs(r);
    assertEquals(3, t.size());
    assertTrue(Double.isNaN(t.get(0).logprob()));
    assertEquals(" sky", t.get(1).token());
    assertEquals(1234, t.get(1).id());
    assertEquals(-2.0, t.get(1).logprob());
    assertEquals(new TopLogprob(" is", 10, -0.1), t.get(1).top().get(0));
    assertEquals(318, t.get(2).id());
  }

  @Test
  void noLogprobsGivesEmpty() throws Exception {
    assertEquals(List.of(), LogprobParser.tokens(json("{'choices':[{'message':{'content':'a'},'logprobs':null}]}")));
    assertEquals(List.of(), LogprobParser.promptLogprobs(json("{'choices':[{'text':'a'}]}")));
  }

  /** vLLM echoes a text prompt's BOS as entry 0 ("<s>", null) and counts it into the running text_offsets. */
  @Test
  void aLeadingBosEntryIsDetectedByTheTexts() throws Exception {
    JsonNode vllm = json("{'tokens':['<s>','The',' cat','!'],'token_logprobs':[null,-1.0,-2.0,-0.5],"
        + "'top_logprobs':[null,{'The':-1.0},{' cat':-2.0},{'!':-0.5}],'text_offset':[0,3,6,10]}");
    assertEquals(3, LogprobParser.leadingSpecialLength(LogprobParser.legacy(vllm), "The cat"), "with a generated token after the prompt");
    JsonNode plain = json("{'tokens':['The',' cat'],'token_logprobs':[null,-2.0],'top_logprobs':[null,{' cat':-2.0}],'text_offset':[0,3]}");
    assertEquals(0, LogprobParser.leadingSpecialLength(LogprobParser.legacy(plain), "The cat"));
    JsonNode literal = json("{'tokens':['<','s','>',' cat'],'token_logprobs':[null,-1,-1,-1],'top_logprobs':[null,null,null,null],"
        + "'text_offset':[0,1,2,3]}");
    assertEquals(0, LogprobParser.leadingSpecialLength(LogprobParser.legacy(literal), "<s> cat"), "a prompt that spells <s> itself");
  }
}
