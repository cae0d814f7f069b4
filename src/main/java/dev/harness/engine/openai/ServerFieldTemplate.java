package dev.harness.engine.openai;

import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code kv.server_fields}: in every string value (recursively through maps and lists) the placeholders
 * {@code {budget}} (the kept fraction), {@code {budget_tokens}} (kept positions) and {@code {policy}} are replaced. A
 * value that is exactly one numeric placeholder becomes a JSON number ({@code "{budget_tokens}"} → 1024); other strings
 * stay strings. Non-string values pass through.
 */
public final class ServerFieldTemplate {
  private ServerFieldTemplate() {}

  /**
   * @param budgetTokens kept positions, or null when unknown (then a template using it is an error)
   */
  public static Map<String, Object> render(Map<String, Object> fields, double budget, Integer budgetTokens, String policy) {
    Map<String, Object> out = new LinkedHashMap<>();
    fields.forEach((k, v) -> out.put(k, value(k, v, budget, budgetTokens, policy)));
    return out;
  }

  private static Object value(String key, Object v, double budget, Integer budgetTokens, String policy) {
    if (v instanceof String s) return string(key, s, budget, budgetTokens, policy);
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), value(key + "." + k, x, budget, budgetTokens, policy)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) out.add(value(key, x, budget, budgetTokens, policy));
      return out;
    }
    return v;
  }

  private static Object string(String key, String s, double budget, Integer budgetTokens, String policy) {
    String t = s.strip();
    if (t.equals("{budget}")) return budget;
    if (t.equals("{budget_tokens}")) return requireTokens(key, budgetTokens);
    String r = s.replace("{budget}", plain(budget)).replace("{policy}", policy == null ? "" : policy);
    if (r.contains("{budget_tokens}")) r = r.replace("{budget_tokens}", String.valueOf(requireTokens(key, budgetTokens)));
    return r;
  }

  private static int requireTokens(String key, Integer budgetTokens) {
    if (budgetTokens == null) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, "kv.server_fields." + key + " uses {budget_tokens} but the prompt length"
          + " in tokens is unknown: pass KvSpec param prompt_tokens, give the engine a tokenizer, or set kv.context_tokens");
    }
    return budgetTokens;
  }

  static String plain(double d) { return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString(); }
}
