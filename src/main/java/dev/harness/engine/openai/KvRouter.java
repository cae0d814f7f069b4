package dev.harness.engine.openai;

import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.KvSpec;
import java.util.List;
import java.util.Map;

/**
 * Maps a request's {@link KvSpec} to where and how it is sent.
 *
 * <ul>
 *   <li>No KvSpec: the default replicas, no extra fields.
 *   <li>A budget listed in {@code kv.base_urls} (±1e-9): that base URL (a server started with that budget).
 *   <li>{@code kv.server_fields} configured: the templated fields are added to the body (also together with a
 *       per-budget URL, and also at budget 1.0, where {@code {budget_tokens}} is the whole prompt).
 *   <li>Budget &lt; 1 with neither a matching URL nor server fields: {@link EngineException} ENGINE_ERROR (the request
 *       cannot be compressed; this is data, not a crash).
 * </ul>
 *
 * <p>{@code {budget_tokens}} = {@link KvSpec#keptPositions}(prompt tokens) = ceil(budget × prompt tokens) (kvpress's count with {@code kv.params.rounding: kvpress}). The prompt
 * length comes from the KvSpec param {@code prompt_tokens} (the kv study knows it), else the engine's optional
 * tokenizer (for chat: the message contents joined, an approximation without the template), else
 * {@code kv.context_tokens} (a fixed length: the server's context window, so the cap is then budget × window).
 */
public final class KvRouter {
  public static final String PROMPT_TOKENS_PARAM = "prompt_tokens";

  /** Where to send: {@code baseUrls} null = the default replicas. */
  public record Route(List<String> baseUrls, Map<String, Object> fields, Integer budgetTokens) {}

  private final OpenAiSettings settings;

  public KvRouter(OpenAiSettings settings) { this.settings = settings; }

  /** @param promptTokens the prompt length in tokens when the caller knows it (null otherwise) */
  public Route route(KvSpec kv, Integer promptTokens) {
    if (kv == null) return new Route(null, Map.of(), null);
    String url = urlFor(kv.budget());
    boolean hasFields = !settings.serverFields().isEmpty();
    if (url == null && !hasFields && kv.budget() < 1.0) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, "KV budget " + ServerFieldTemplate.plain(kv.budget()) + " (policy "
          + kv.policy() + ") requested but the openai engine has no kv.server_fields or kv.base_urls configured"
          + (settings.budgetBaseUrls().isEmpty() ? "" : " for this budget (kv.base_urls has " + settings.budgetBaseUrls().keySet() + ")"));
    }
    Integer length = promptTokens(kv, promptTokens);
    Integer budgetTokens = length == null ? null : kv.keptPositions(length);
    Map<String, Object> fields = hasFields
        ? ServerFieldTemplate.render(settings.serverFields(), kv.budget(), budgetTokens, kv.policy())
        : Map.of();
    return new Route(url == null ? null : List.of(url), fields, budgetTokens);
  }

  private Integer promptTokens(KvSpec kv, Integer known) {
    Object p = kv.params().get(PROMPT_TOKENS_PARAM);
    if (p instanceof Number n && n.intValue() > 0) return n.intValue();
    if (known != null && known > 0) return known;
    return settings.contextTokens();
  }

  private String urlFor(double budget) {
    for (Map.Entry<Double, String> e : settings.budgetBaseUrls().entrySet()) {
      if (Math.abs(e.getKey() - budget) < 1e-9) return e.getValue();
    }
    return null;
  }
}
