package dev.harness.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.BatchGeneration;
import dev.harness.engine.BatchScoring;
import dev.harness.engine.Capability;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Message;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.Telemetry;
import dev.harness.engine.TokenIds;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.TopLogprob;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@link Engine} over an OpenAI-compatible HTTP server (OpenAI, OpenRouter, vLLM, SGLang, llama.cpp, harness serve).
 *
 * <p>Telemetry of a completion: {@code latencyMs} is the final (successful) attempt's latency, request sent → body
 * read; {@code ttftMs} the final attempt's time to the first chunk with content (streaming only, else null);
 * {@code extra} holds {@code total_ms} (the whole call: rate-limit and concurrency waits, failed attempts, backoff),
 * {@code retry_wait_ms} (backoff), {@code rate_limit_wait_ms} (client-side RPM limit), {@code queue_ms} (concurrency), {@code replica} (host:port), {@code endpoint}, and when known
 * {@code response_id}, {@code provider} (OpenRouter), {@code budget_tokens}.
 *
 * <p>When log-probs are asked for and the server returns text without any, the call fails (ENGINE_ERROR) rather than
 * yield silently empty log-probs (OpenRouter drops them for some providers).
 *
 * <p>{@code score} always uses {@code /completions} (chat cannot echo the prompt), and {@code nextToken} the configured
 * endpoint. The API key goes only into the Authorization header.
 *
 * <p>Capabilities ({@link #as}): {@link BatchScoring} (one echo request with a list prompt; a server that refuses a
 * list with a 4xx is then asked one prompt at a time), {@link BatchGeneration} on the completions endpoint (a list
 * prompt per run of requests that differ only in their prompt), {@link TokenIds} when the server offers vLLM's
 * {@code /tokenize} (probed once, see {@link VllmTokenIds}). It lacks id-level generation and scoring, shared-prefix
 * scoring, compressed-cache log-likelihoods and full-vocabulary distributions.
 */
public final class OpenAiEngine implements Engine, BatchScoring, BatchGeneration {
  /** OpenAI's (and vLLM's default) cap on top log-probs per position. */
  public static final int MAX_TOP_LOGPROBS = 20;

  private final OpenAiSettings settings;
  private final ObjectMapper json = new ObjectMapper();
  private final OkHttpClient http;
  private final HttpCaller caller;
  private final RequestBodies bodies;
  private final KvRouter kvRouter;
  private final Tokenizer promptTokenizer;
  private final AtomicBoolean echoNeedsOneToken = new AtomicBoolean(false);
  private final AtomicBoolean listPromptsRefused = new AtomicBoolean(false);
  private volatile Optional<TokenIds> tokenIds;

  public OpenAiEngine(OpenAiSettings settings) { this(settings, Sleeper.REAL, Clock.systemUTC(), System::nanoTime, null); }

  /**
   * @param sleeper backoff and rate-limit waits go through it (tests record them)
   * @param wallClock for {@code Retry-After} HTTP dates
   * @param nanos monotonic clock for latencies and the rate limiter
   * @param promptTokenizer optional (null): counts prompt tokens for {@code {budget_tokens}}
   */
  public OpenAiEngine(OpenAiSettings settings, Sleeper sleeper, Clock wallClock, LongSupplier nanos, Tokenizer promptTokenizer) {
    this.settings = settings;
    this.promptTokenizer = promptTokenizer;
    Duration timeout = Duration.ofMillis(Math.round(settings.timeoutSeconds() * 1000));
    this.http = new OkHttpClient.Builder()
        .callTimeout(timeout)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .retryOnConnectionFailure(false) // every attempt is ours to count
        .build();
    RateLimiter limiter = RateLimiter.of(settings.rateLimit(), nanos, sleeper);
    this.caller = new HttpCaller(http, json, settings, new Backoff(settings.jitterSeed(), wallClock), sleeper, limiter, nanos);
    this.bodies = new RequestBodies(json, settings.model());
    this.kvRouter = new KvRouter(settings);
  }

  public OpenAiSettings settings() { return settings; }

  @Override
  public Completion complete(CompletionRequest r) {
    boolean chat = settings.endpoint().equals(OpenAiSettings.CHAT);
    KvRouter.Route route = kvRouter.route(r.kv(), promptTokens(r.kv(), r.prompt()));
    ObjectNode body = chat ? bodies.chat(r, settings.stream(), route.fields()) : bodies.completions(r, settings.stream(), route.fields());
    HttpCaller.Exchange ex = caller.post(chat ? "/chat/completions" : "/completions", body, route.baseUrls(), settings.stream());
    ParsedResponse p = ex.last().streamed() != null ? ex.last().streamed() : parse(ex);
    if (r.logprobs() && p.tokens() == null && !p.text().isEmpty()) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, ex.last().status(), ex.attempts(), "log-probs were requested but the server"
          + " returned none" + (p.provider() == null ? "" : " (provider " + p.provider() + ")"), null);
    }
    Map<String, Object> extra = extra(ex, chat ? "chat" : "completions");
    if (p.id() != null) extra.put("response_id", p.id());
    if (p.provider() != null) extra.put("provider", p.provider());
    if (route.budgetTokens() != null) extra.put("budget_tokens", route.budgetTokens());
    Telemetry t = new Telemetry(ex.last().latencyMs(), ex.last().ttftMs(), ex.last().status(), ex.attempts(), null, null, null, null, null, extra);
    return new Completion(p.text(), p.finishReason(), p.tokens() == null ? List.of() : p.tokens(), p.usage(), t, false);
  }

  /**
   * Teacher-forced log-probs of {@code continuation}: {@code /completions} with {@code prompt = context + continuation,
   * echo: true, logprobs: 1, max_tokens: 0} (once a server rejects 0 with a 4xx, this engine uses 1). The continuation
   * is the tokens whose {@code text_offset} (code points) lies in [len(context), len(prompt)) — lm-eval's approach for
   * API models; a token straddling the boundary counts as context. A leading BOS entry that is not part of the prompt
   * (vLLM echoes {@code "<s>"} with log-prob null, and counts its length into every later offset) is skipped and its
   * length taken off the offsets ({@link LogprobParser#leadingSpecialLength}). Without legacy log-probs, vLLM's
   * {@code prompt_logprobs} are used, split by the lengths of the decoded tokens counted from the end. {@code greedy}
   * = the token equals the most probable entry of its top list (false when there is none).
   */
  @Override
  public List<TokenScore> score(String context, String continuation) {
    if (context == null || context.isEmpty()) {
      throw new IllegalArgumentException("score needs a non-empty context: the first prompt token has no log-probability over an API");
    }
    if (continuation == null || continuation.isEmpty()) return List.of();
    return continuationScores(context, continuation, echo(context + continuation));
  }

  /** The continuation's scores in one echoed response (its {@code choices[0]}); see {@link #score}. */
  private static List<TokenScore> continuationScores(String context, String continuation, JsonNode resp) {
    String prompt = context + continuation;
    int ctxLen = context.codePointCount(0, context.length());
    int promptLen = prompt.codePointCount(0, prompt.length());
    List<TokenLogprob> cont = new ArrayList<>();
    JsonNode lp = resp.path("choices").path(0).path("logprobs");
    if (lp.isObject() && lp.path("text_offset").isArray() && lp.path("text_offset").size() > 0) {
      List<LogprobParser.PositionedToken> pts = LogprobParser.legacy(lp);
      int shift = LogprobParser.leadingSpecialLength(pts, prompt);
      for (int i = shift > 0 ? 1 : 0; i < pts.size(); i++) {
        int off = pts.get(i).textOffset() - shift;
        if (off >= ctxLen && off < promptLen) cont.add(pts.get(i).token());
      }
    } else {
      List<TokenLogprob> pl = LogprobParser.promptLogprobs(resp);
      int suffix = 0;
      int contLen = promptLen - ctxLen;
      for (int i = pl.size() - 1; i >= 1; i--) {
        String tok = pl.get(i).token();
        suffix += tok.codePointCount(0, tok.length());
        if (suffix > contLen) break;
        cont.add(0, pl.get(i));
      }
    }
    if (cont.isEmpty()) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, 200, 1, "score: the server returned no prompt log-probs for the"
          + " continuation (does it support echo with logprobs, or vLLM prompt_logprobs?)", null);
    }
    List<TokenScore> out = new ArrayList<>();
    for (TokenLogprob t : cont) {
      if (Double.isNaN(t.logprob())) {
        throw new EngineException(ErrorKind.ENGINE_ERROR, 200, 1, "score: continuation token '" + t.token() + "' has no log-prob", null);
      }
      boolean greedy = !t.top().isEmpty() && t.top().get(0).token().equals(t.token());
      out.add(new TokenScore(t.token(), t.id(), t.logprob(), greedy));
    }
    return out;
  }

  /**
   * One {@code /completions} echo request whose {@code prompt} is the list of {@code context + continuation}; the
   * choices, ordered by their {@code index}, are split as {@link #score} splits one. Empty continuations score as
   * empty without being sent. Once a server refuses a list prompt (a 4xx), every later batch is sent one prompt at a
   * time.
   */
  @Override
  public List<List<TokenScore>> scoreBatch(List<String> contexts, List<String> continuations) {
    if (contexts.size() != continuations.size()) {
      throw new IllegalArgumentException("scoreBatch: " + contexts.size() + " contexts but " + continuations.size() + " continuations");
    }
    List<Integer> sent = new ArrayList<>();
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      if (contexts.get(i) == null || contexts.get(i).isEmpty()) {
        throw new IllegalArgumentException("score needs a non-empty context: the first prompt token has no log-probability over an API");
      }
      if (continuations.get(i) != null && !continuations.get(i).isEmpty()) {
        sent.add(i);
        prompts.add(contexts.get(i) + continuations.get(i));
      }
    }
    List<List<TokenScore>> out = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) out.add(List.of());
    if (sent.isEmpty()) return out;
    if (sent.size() == 1 || listPromptsRefused.get()) {
      for (int i : sent) out.set(i, score(contexts.get(i), continuations.get(i)));
      return out;
    }
    JsonNode resp;
    try {
      resp = echoList(prompts);
    } catch (EngineException e) {
      Integer s = e.httpStatus();
      if (e.kind() != ErrorKind.ENGINE_ERROR || s == null || s < 400 || s >= 500) throw e;
      listPromptsRefused.set(true);
      return scoreBatch(contexts, continuations);
    }
    List<JsonNode> choices = byIndex(resp, prompts.size());
    for (int k = 0; k < sent.size(); k++) {
      int i = sent.get(k);
      ObjectNode one = json.createObjectNode();
      one.putArray("choices").add(choices.get(k));
      out.set(i, continuationScores(contexts.get(i), continuations.get(i), one));
    }
    return out;
  }

  /** The response's choices in prompt order (by {@code index}); exactly one per prompt, else ENGINE_ERROR. */
  private static List<JsonNode> byIndex(JsonNode resp, int n) {
    JsonNode[] at = new JsonNode[n];
    for (JsonNode c : resp.path("choices")) {
      int i = c.path("index").asInt(-1);
      if (i < 0 || i >= n || at[i] != null) {
        throw new EngineException(ErrorKind.ENGINE_ERROR, 200, 1, "batched request: choice index " + c.path("index")
            + " does not name one of the " + n + " prompts", null);
      }
      at[i] = c;
    }
    for (int i = 0; i < n; i++) {
      if (at[i] == null) throw new EngineException(ErrorKind.ENGINE_ERROR, 200, 1, "batched request: no choice for prompt " + i + " of " + n, null);
    }
    return List.of(at);
  }

  private JsonNode echoList(List<String> prompts) {
    ObjectNode body = bodies.echoScore("", echoNeedsOneToken.get() ? 1 : 0);
    ArrayNode list = body.putArray("prompt");
    prompts.forEach(list::add);
    try {
      return parseJson(caller.post("/completions", body, null, false));
    } catch (EngineException e) {
      if (echoNeedsOneToken.get()) throw e;
      Integer s = e.httpStatus();
      if (e.kind() != ErrorKind.ENGINE_ERROR || s == null || s < 400 || s >= 500) throw e;
      // max_tokens 0 or the list itself was refused: try once with one token before calling the list refused
      body.put("max_tokens", 1);
      JsonNode r = parseJson(caller.post("/completions", body, null, false));
      echoNeedsOneToken.set(true);
      return r;
    }
  }

  /**
   * Completions endpoint: each run of consecutive requests that differ only in their (text) prompt is one request
   * with a list {@code prompt} (choices matched by {@code index}; the response's usage is the run's total, so each
   * completion's usage is unknown); a run of one, a streamed engine or a refused list goes through {@link #complete}.
   */
  @Override
  public List<Completion> completeBatch(List<CompletionRequest> requests) {
    List<Completion> out = new ArrayList<>();
    int i = 0;
    while (i < requests.size()) {
      int j = i + 1;
      while (j < requests.size() && samePrompting(requests.get(i), requests.get(j))) j++;
      List<CompletionRequest> run = requests.subList(i, j);
      if (run.size() == 1 || settings.stream() || listPromptsRefused.get()
          || !settings.endpoint().equals(OpenAiSettings.COMPLETIONS)) {
        for (CompletionRequest r : run) out.add(complete(r));
      } else {
        out.addAll(completeList(run));
      }
      i = j;
    }
    return out;
  }

  private static boolean samePrompting(CompletionRequest a, CompletionRequest b) {
    return a.kv() == null && b.kv() == null && a.maxTokens() == b.maxTokens() && a.temperature() == b.temperature()
        && a.topP() == b.topP() && java.util.Objects.equals(a.seed(), b.seed()) && a.stop().equals(b.stop())
        && a.logprobs() == b.logprobs() && a.topLogprobs() == b.topLogprobs();
  }

  private List<Completion> completeList(List<CompletionRequest> run) {
    ObjectNode body = bodies.completions(run.get(0), false, Map.of());
    ArrayNode list = body.putArray("prompt");
    for (CompletionRequest r : run) {
      Prompt p = r.prompt();
      if (p.isChat()) bodies.completions(r, false, Map.of()); // refuses a chat prompt with its usual message
      list.add(p.prefill() == null ? p.text() : p.text() + p.prefill());
    }
    HttpCaller.Exchange ex;
    try {
      ex = caller.post("/completions", body, null, false);
    } catch (EngineException e) {
      Integer s = e.httpStatus();
      if (e.kind() != ErrorKind.ENGINE_ERROR || s == null || s < 400 || s >= 500) throw e;
      listPromptsRefused.set(true);
      return completeBatch(run);
    }
    List<JsonNode> choices = byIndex(ex.last().json(), run.size());
    List<Completion> out = new ArrayList<>();
    for (int k = 0; k < run.size(); k++) {
      ObjectNode one = json.createObjectNode();
      one.putArray("choices").add(choices.get(k));
      if (ex.last().json().has("id")) one.set("id", ex.last().json().get("id"));
      ParsedResponse p;
      try {
        p = ResponseParser.parse(one);
      } catch (RuntimeException e) {
        throw new EngineException(ErrorKind.ENGINE_ERROR, ex.last().status(), ex.attempts(), "malformed response: " + e.getMessage(), e);
      }
      if (run.get(k).logprobs() && p.tokens() == null && !p.text().isEmpty()) {
        throw new EngineException(ErrorKind.ENGINE_ERROR, ex.last().status(), ex.attempts(), "log-probs were requested but the server"
            + " returned none for prompt " + k + " of the batch", null);
      }
      Map<String, Object> extra = extra(ex, "completions");
      extra.put("batch_size", run.size());
      if (p.id() != null) extra.put("response_id", p.id());
      Telemetry t = new Telemetry(ex.last().latencyMs(), null, ex.last().status(), ex.attempts(), null, null, null, null, null, extra);
      out.add(new Completion(p.text(), p.finishReason(), p.tokens() == null ? List.of() : p.tokens(),
          dev.harness.engine.Usage.unknown(), t, false));
    }
    return out;
  }

  /**
   * {@link BatchScoring} always; {@link BatchGeneration} on the completions endpoint; {@link TokenIds} when the server
   * offers {@code /tokenize} (asked once, on the first request for it); nothing else beyond {@code instanceof}.
   */
  @Override
  public <T> Optional<T> as(Class<T> type) {
    if (type == BatchGeneration.class && !settings.endpoint().equals(OpenAiSettings.COMPLETIONS)) return Optional.empty();
    if (type == TokenIds.class) {
      Optional<TokenIds> t = tokenIds;
      if (t == null) {
        synchronized (this) {
          if (tokenIds == null) tokenIds = VllmTokenIds.probe(http, json, settings);
          t = tokenIds;
        }
      }
      return t.map(type::cast);
    }
    return Engine.super.as(type);
  }

  private JsonNode echo(String prompt) {
    if (!echoNeedsOneToken.get()) {
      try {
        return parseJson(caller.post("/completions", bodies.echoScore(prompt, 0), null, false));
      } catch (EngineException e) {
        Integer s = e.httpStatus();
        if (e.kind() != ErrorKind.ENGINE_ERROR || s == null || s < 400 || s >= 500) throw e;
        echoNeedsOneToken.set(true); // the server rejects max_tokens 0: from now on generate one (ignored) token
      }
    }
    return parseJson(caller.post("/completions", bodies.echoScore(prompt, 1), null, false));
  }

  /**
   * One-token completion on the configured endpoint with {@code min(topK, 20)} top log-probs ({@code topK <= 0} → 20:
   * an API never gives the full vocabulary); {@code restMass = 1 − Σ exp(top)}, clamped at 0.
   */
  @Override
  public NextToken nextToken(Prompt prompt, int topK) {
    int k = topK <= 0 ? MAX_TOP_LOGPROBS : Math.min(topK, MAX_TOP_LOGPROBS);
    CompletionRequest r = new CompletionRequest(prompt, 1, 0.0, 1.0, null, List.of(), true, k, null);
    Completion c = complete(r);
    if (c.tokens().isEmpty() || c.tokens().get(0).top().isEmpty()) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, c.telemetry().httpStatus(), c.telemetry().attempts(),
          "nextToken: the server returned no top log-probs", null);
    }
    List<TopLogprob> top = c.tokens().get(0).top();
    double mass = 0;
    for (TopLogprob t : top) mass += Math.exp(t.logprob());
    return new NextToken(top, Math.max(0.0, 1.0 - mass), -1, false);
  }

  @Override
  public EngineInfo info() {
    Set<Capability> caps = EnumSet.of(Capability.COMPLETE, Capability.TOKEN_LOGPROBS, Capability.SCORE, Capability.NEXT_TOKEN);
    if (settings.supportsKv()) caps.add(Capability.KV_COMPRESSION);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("hosts", settings.baseUrls().stream().map(OpenAiEngine::hostPort).collect(Collectors.joining(",")));
    details.put("endpoint", settings.endpoint());
    details.put("stream", String.valueOf(settings.stream()));
    if (!settings.budgetBaseUrls().isEmpty()) {
      details.put("budget_hosts", settings.budgetBaseUrls().entrySet().stream()
          .map(e -> ServerFieldTemplate.plain(e.getKey()) + "=" + hostPort(e.getValue())).collect(Collectors.joining(",")));
    }
    if (!settings.serverFields().isEmpty()) details.put("server_fields", String.join(",", settings.serverFields().keySet()));
    return new EngineInfo("openai", settings.model(), null, null, null, caps, details);
  }

  /**
   * The model ids a server lists at {@code GET <base url>/models} (first replica), one attempt, no retries.
   *
   * @throws EngineException when the call fails or the body is not an OpenAI model list
   */
  public static List<String> fetchModels(OpenAiSettings settings) {
    Duration timeout = Duration.ofMillis(Math.round(settings.timeoutSeconds() * 1000));
    OkHttpClient client = new OkHttpClient.Builder().callTimeout(timeout).readTimeout(timeout).build();
    Request.Builder rb = new Request.Builder().url(settings.baseUrls().get(0) + "/models").get();
    if (settings.hasApiKey()) rb.header("Authorization", "Bearer " + settings.apiKey());
    try (Response resp = client.newCall(rb.build()).execute()) {
      String text = resp.body().string();
      if (!resp.isSuccessful()) {
        HttpFailure f = HttpFailure.fromStatus(resp.code(), text, java.util.Optional.empty());
        throw new EngineException(f.kind(), resp.code(), 1, redact(settings, "listing models: HTTP " + resp.code() + ": " + f.message()), null);
      }
      JsonNode data = new ObjectMapper().readTree(text).path("data");
      if (!data.isArray()) throw new EngineException(ErrorKind.ENGINE_ERROR, resp.code(), 1, "listing models: no data[] in the body", null);
      List<String> ids = new ArrayList<>();
      for (JsonNode m : data) if (m.path("id").isTextual()) ids.add(m.path("id").asText());
      return ids;
    } catch (IOException e) {
      HttpFailure f = HttpFailure.fromIo(e, null);
      throw new EngineException(f.kind(), null, 1, "listing models: " + f.message(), e);
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static String redact(OpenAiSettings s, String msg) { return s.hasApiKey() ? msg.replace(s.apiKey(), "***") : msg; }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() { return "OpenAiEngine[" + settings + "]"; }

  private Integer promptTokens(KvSpec kv, Prompt p) {
    if (kv == null || promptTokenizer == null || settings.serverFields().isEmpty() || kv.params().containsKey(KvRouter.PROMPT_TOKENS_PARAM)) {
      return null;
    }
    String text = (p.isChat() ? p.messages().stream().map(Message::content).collect(Collectors.joining("\n")) : p.text())
        + (p.prefill() == null ? "" : p.prefill());
    return promptTokenizer.count(text);
  }

  private ParsedResponse parse(HttpCaller.Exchange ex) {
    try {
      return ResponseParser.parse(ex.last().json());
    } catch (RuntimeException e) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, ex.last().status(), ex.attempts(), "malformed response: " + e.getMessage(), e);
    }
  }

  private static JsonNode parseJson(HttpCaller.Exchange ex) { return ex.last().json(); }

  private static Map<String, Object> extra(HttpCaller.Exchange ex, String endpoint) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total_ms", ex.totalMs());
    m.put("retry_wait_ms", ex.retryWaitMs());
    m.put("rate_limit_wait_ms", ex.rateLimitWaitMs());
    m.put("queue_ms", ex.queueMs());
    m.put("replica", ex.replica());
    m.put("endpoint", endpoint);
    return m;
  }

  private static String hostPort(String url) {
    HttpUrl u = HttpUrl.parse(url);
    return u == null ? "?" : u.host() + ":" + u.port();
  }
}
