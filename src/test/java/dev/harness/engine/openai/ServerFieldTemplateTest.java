package dev.harness.engine.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.KvSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerFieldTemplateTest {

  @Test
  void singlePlaceholderBecomesNumberOthersStayStrings() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("max_cache_tokens", "{budget_tokens}");
    f.put("ratio", "{budget}");
    f.put("note", "b={budget} t={budget_tokens} p={policy}");
    f.put("fixed", 3);
    f.put("nested", Map.of("k", List.of("{budget_tokens}")));
    Map<String, Object> r = ServerFieldTemplate.render(f, 0.25, 101, "snapkv");
    assertEquals(101, r.get("max_cache_tokens"));
    assertEquals(0.25, r.get("ratio"));
    assertEquals("b=0.25 t=101 p=snapkv", r.get("note"));
    assertEquals(3, r.get("fixed"));
    assertEquals(Map.of("k", List.of(101)), r.get("nested"));
  }

  @Test
  void unknownPromptLengthIsAnEngineError() {
    EngineException e = assertThrows(EngineException.class,
        () -> ServerFieldTemplate.render(Map.of("m", "{budget_tokens}"), 0.5, null, "snapkv"));
    assertEquals(ErrorKind.ENGINE_ERROR, e.kind());
    assertTrue(e.getMessage().contains("kv.context_tokens"));
  }

  @Test
  void routerPrefersPromptTokensParamThenContextTokens() {
    OpenAiSettings s = OpenAiSettings.of("http://127.0.0.1:1/v1", "m", null)
        .withServerFields(Map.of("max_cache_tokens", "{budget_tokens}")).withContextTokens(1000);
    KvRouter router = new KvRouter(s);
    // ceil(0.25 × 401) = ceil(100.25) = 101
    KvSpec withLen = new KvSpec("snapkv", 0.25, Map.of("prompt_tokens", 401), true, null);
    assertEquals(101, router.route(withLen, null).fields().get("max_cache_tokens"));
    // no prompt length: 0.25 × 1000 = 250
    KvSpec noLen = new KvSpec("snapkv", 0.25, Map.of(), true, null);
    assertEquals(250, router.route(noLen, null).fields().get("max_cache_tokens"));
    assertEquals(null, router.route(noLen, null).baseUrls());
    assertEquals(Map.of(), router.route(null, null).fields());
  }

  @Test
  void budgetWithoutAnyKvConfigIsAnEngineErrorButFullBudgetIsFine() {
    KvRouter router = new KvRouter(OpenAiSettings.of("http://127.0.0.1:1/v1", "m", null));
    EngineException e = assertThrows(EngineException.class,
        () -> router.route(new KvSpec("snapkv", 0.5, Map.of(), true, null), null));
    assertTrue(e.getMessage().contains("no kv.server_fields or kv.base_urls configured"), e.getMessage());
    assertEquals(Map.of(), router.route(KvSpec.full(), null).fields());
  }
}
