package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code prompt} lists and {@code n}: one choice per prompt × n, {@code index = prompt_i * n + j} as vLLM numbers them
 * (serving_completion.py {@code request_output_to_completion_response}: {@code index=len(choices)} over prompts, then
 * outputs); usage counts each prompt once and every choice's completion.
 */
class ServeBatchTest extends ServerTestBase {

  @Test
  void listOfPromptsTimesNInVllmsOrder() throws Exception {
    OpenAiServer s = start();
    JsonNode r = post(s, "/completions", "{'prompt':['one two','three four five'],'n':2,'max_tokens':5,'temperature':0}").json();
    JsonNode ch = r.get("choices");
    assertEquals(4, ch.size());
    String[] expected = {" two one", " two one", " five four three", " five four three"};
    for (int k = 0; k < 4; k++) {
      assertEquals(k, ch.get(k).get("index").asInt());
      assertEquals(expected[k], ch.get(k).get("text").asText(), "choice " + k + " belongs to prompt " + k / 2);
    }
    int promptTokens = tok.count("one two") + tok.count("three four five");
    assertEquals(promptTokens, r.at("/usage/prompt_tokens").asInt(), "each prompt counted once, not n times");
    assertEquals(2 * 2 + 2 * 3, r.at("/usage/completion_tokens").asInt());
  }

  @Test
  void nSamplesGetDistinctSeedsAndChatHonoursN() throws Exception {
    OpenAiServer s = start();
    JsonNode r = post(s, "/chat/completions", "{'messages':[{'role':'user','content':'a b'}],'n':3,'seed':7}").json();
    assertEquals(3, r.get("choices").size());
    assertEquals(List.of(0, 1, 2), indices(r.get("choices")));
    assertEquals(9L, engine.last.seed(), "sample j gets seed + j");
  }

  @Test
  void streamedChoicesCarryTheirIndex() throws Exception {
    OpenAiServer s = start();
    Resp resp = post(s, "/completions", "{'prompt':['x y','z'],'n':2,'stream':true,'max_tokens':3}");
    List<Integer> finished = new ArrayList<>();
    for (String line : resp.body().split("\n")) {
      if (!line.startsWith("data: {")) continue;
      JsonNode c = M.readTree(line.substring(6));
      for (JsonNode x : c.get("choices")) if (!x.get("finish_reason").isNull()) finished.add(x.get("index").asInt());
    }
    assertEquals(List.of(0, 1, 2, 3), finished);
  }

  private static List<Integer> indices(JsonNode choices) {
    List<Integer> out = new ArrayList<>();
    choices.forEach(c -> out.add(c.get("index").asInt()));
    return out;
  }
}
