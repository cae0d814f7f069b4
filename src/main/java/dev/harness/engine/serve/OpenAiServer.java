package dev.harness.engine.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.harness.engine.Completion;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineException;
import dev.harness.engine.Message;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An OpenAI-compatible HTTP server over any {@link Engine} ({@code harness serve}), on the JDK's built-in
 * {@link HttpServer}, bound to 127.0.0.1 unless told otherwise. It is what {@code dev.harness.engine.openai.OpenAiEngine}
 * talks to.
 *
 * <p>Endpoints: {@code GET /v1/models} (and {@code /v1/models/{id}}), {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}, {@code GET /health}. Unknown path → 404, wrong method → 405, all in OpenAI's error
 * shape {@code {"error": {"message", "type", "param", "code"}}}; never a stack trace.
 *
 * <p>Request fields (unknown fields are ignored):
 * <ul>
 *   <li>both: {@code model} (optional; another id → 404 model_not_found), {@code max_tokens} or
 *       {@code max_completion_tokens} (chat default {@value RequestParser#DEFAULT_CHAT_MAX_TOKENS}, ≥ 1; completions
 *       default {@value RequestParser#DEFAULT_COMPLETIONS_MAX_TOKENS}, ≥ 0 — 0 generates nothing), {@code temperature}
 *       (≥ 0, default 1), {@code top_p} ((0, 1], default 1), {@code seed}, {@code stop} (string or list), {@code n} and
 *       {@code best_of} (only 1), {@code stream}, {@code stream_options.include_usage}.
 *   <li>chat: {@code messages} (roles system/developer/user/assistant; content a string or text parts),
 *       {@code logprobs} (boolean) + {@code top_logprobs} (int), vLLM's {@code continue_final_message} (the final
 *       assistant message becomes {@code Prompt.prefill}; the engine continues it) and {@code add_generation_prompt}
 *       (validated; both true → 400).
 *   <li>completions: {@code prompt} (a string, a list of one string, or token ids when a tokenizer is given),
 *       {@code logprobs} (int = alternatives per position), {@code echo} (the prompt is returned before the
 *       completion; with {@code logprobs}, its tokens too, the first one's log-prob null — via {@link PromptScorer} when
 *       the engine implements it, else {@code engine.score(firstToken, rest)}). {@code text_offset}s count code points
 *       from the start of the returned text.
 * </ul>
 *
 * <p>KV-cache compression fields (extensions; any of them present → a {@code KvSpec} on the engine request):
 * <ul>
 *   <li>{@code kv_policy}: string, e.g. {@code full}, {@code snapkv}, {@code streaming_llm}, {@code h2o},
 *       {@code knorm}, {@code random} (default {@value RequestParser#DEFAULT_KV_POLICY});
 *   <li>{@code kv_budget}: number in (0, 1], the fraction of context positions kept (default 1.0; else 400);
 *   <li>{@code kv_params}: object, the policy's parameters (e.g. {@code {"window": 32, "kernel": 7}});
 *   <li>{@code kv_query_aware}: boolean (default true);
 *   <li>{@code kv_protected_suffix}: string, the question: the trailing prompt text that is never compressed. The
 *       request is evaluated under the kvpress protocol ({@link dev.harness.engine.KvProtocol#KVPRESS}): the context
 *       before it is compressed (scored with the question when query-aware), then the question and every generated
 *       token run through the compressed cache; without it the whole prompt is the context.
 * </ul>
 * A harness client reaches them with {@code kv.server_fields: {kv_budget: "{budget}", kv_policy: "{policy}"}}.
 *
 * <p>Streaming: the engine is not incremental, so the whole completion is computed first (an engine failure is then
 * still a proper HTTP error), then sent as Server-Sent Events: a role chunk (chat), one chunk per generated token when
 * the token texts add up to the text (else one chunk), a final chunk with {@code finish_reason}, a usage chunk when
 * {@code stream_options.include_usage}, and {@code data: [DONE]}.
 *
 * <p>Errors: invalid request → 400 invalid_request_error (also an {@code IllegalArgumentException} or
 * {@code UnsupportedOperationException} from the engine); {@link EngineException} ENGINE_ERROR → 500, RATE_LIMITED /
 * TIMEOUT → 503; anything else → 500. Usage: the engine's counts, else counted with the tokenizer, else -1.
 *
 * <p>The server does not own the engine: {@link #close()} stops listening and leaves the engine open.
 */
public final class OpenAiServer implements AutoCloseable {
  /** The request body cap (vLLM has none; 4 MiB holds a 1M-token id prompt): larger → 413 before the body is read. */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final Map<String, Engine> engines;
  private final Map<String, EchoScoring> echoes = new LinkedHashMap<>();
  private final String modelId;
  private final Tokenizer tokenizer;
  private final ServerOptions options;
  private final PrintWriter log;
  private final ObjectMapper json = new ObjectMapper();
  private final RequestParser parser;
  private final Shapes shapes;
  private final long startedAt = Instant.now().getEpochSecond();
  private HttpServer server;
  private ExecutorService executor;
  private boolean closed;
  private volatile String apiKey;

  public OpenAiServer(Engine engine, String modelId, Tokenizer tokenizerOrNull, ServerOptions options) {
    this(engine, modelId, tokenizerOrNull, options, null);
  }

  /** @param logOrNull receives one line per request: method, path, status, milliseconds */
  public OpenAiServer(Engine engine, String modelId, Tokenizer tokenizerOrNull, ServerOptions options, PrintWriter logOrNull) {
    this(single(modelId, Objects.requireNonNull(engine, "engine")), tokenizerOrNull, options, logOrNull);
  }

  /**
   * Several models behind one server, by id (e.g. a base model and LoRA adapters on it, each an engine view of the
   * same weights); requests pick one with {@code model}, the first being the default. They share one tokenizer.
   */
  public OpenAiServer(Map<String, Engine> models, Tokenizer tokenizerOrNull, ServerOptions options, PrintWriter logOrNull) {
    if (models.isEmpty()) throw new IllegalArgumentException("no model to serve");
    for (String id : models.keySet()) {
      if (id == null || id.isBlank()) throw new IllegalArgumentException("modelId must not be blank");
    }
    this.engines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    this.modelId = models.keySet().iterator().next();
    this.tokenizer = tokenizerOrNull;
    this.options = options == null ? ServerOptions.ephemeral() : options;
    this.log = logOrNull;
    Engine first = models.values().iterator().next();
    this.parser = new RequestParser(List.copyOf(models.keySet()), tokenizerOrNull)
        .limits(first instanceof PromptScorer ps ? ps.vocabSize() : -1, RequestParser.DEFAULT_MAX_LOGPROBS);
    this.shapes = new Shapes(json, modelId);
    models.forEach((id, e) -> echoes.put(id, new EchoScoring(e, tokenizerOrNull)));
  }

  private static Map<String, Engine> single(String modelId, Engine engine) {
    if (modelId == null || modelId.isBlank()) throw new IllegalArgumentException("modelId must not be blank");
    Map<String, Engine> m = new LinkedHashMap<>();
    m.put(modelId, engine);
    return m;
  }

  private Engine engine(ServeRequest r) { return engines.get(r.model() == null ? modelId : r.model()); }

  private EchoScoring echo(ServeRequest r) { return echoes.get(r.model() == null ? modelId : r.model()); }

  /** Requests without {@code Authorization: Bearer KEY} get 401 (vLLM's --api-key); null or blank: no check. */
  public OpenAiServer apiKey(String key) {
    this.apiKey = key == null || key.isBlank() ? null : key;
    return this;
  }

  /** logprobs / top_logprobs above {@code max} → 400 (vLLM's --max-logprobs, default 20). */
  public OpenAiServer maxLogprobs(int max) {
    if (max < 0) throw new IllegalArgumentException("max_logprobs must be >= 0, got " + max);
    Engine first = engines.values().iterator().next();
    parser.limits(first instanceof PromptScorer ps ? ps.vocabSize() : -1, max);
    return this;
  }

  private int contextWindow(String model) {
    return engines.get(model == null ? modelId : model) instanceof PromptScorer ps ? ps.contextWindow() : -1;
  }

  /** Binds and starts serving; returns this. */
  public synchronized OpenAiServer start() throws IOException {
    if (server != null) throw new IllegalStateException("already started");
    if (closed) throw new IllegalStateException("closed");
    HttpServer s = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, "openai-server-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    executor = new ThreadPoolExecutor(options.threads(), options.threads(), 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tf);
    s.setExecutor(executor);
    s.createContext("/", this::handle);
    s.start();
    server = s;
    return this;
  }

  /** The bound port (the ephemeral one when options asked for 0). */
  public synchronized int port() {
    if (server == null) throw new IllegalStateException("not started");
    return server.getAddress().getPort();
  }

  /** {@code http://host:port/v1}; a wildcard host (0.0.0.0, ::) is given as 127.0.0.1. */
  public URI baseUrl() {
    String h = options.host();
    if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) h = "127.0.0.1";
    if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
    return URI.create("http://" + h + ":" + port() + "/v1");
  }

  public String modelId() { return modelId; }

  /** Stops listening (requests in flight are cut off) and the request threads; the engine stays open. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      try {
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  // ---------------------------------------------------------------- routing

  private void handle(HttpExchange ex) {
    long t0 = System.nanoTime();
    Call call = new Call(ex);
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = ex.getRequestURI().getPath();
    try {
      route(call, method, path);
    } catch (ApiError e) {
      sendError(call, e);
    } catch (Throwable t) {
      sendError(call, toApiError(t));
    } finally {
      ex.close();
      if (log != null) {
        synchronized (log) {
          log.printf(Locale.ROOT, "%s %s %d %dms%n", method, path, call.status, (System.nanoTime() - t0) / 1_000_000);
          log.flush();
        }
      }
    }
  }

  private void route(Call call, String method, String rawPath) throws IOException {
    String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
    String key = apiKey;
    if (key != null && !path.equals("/health") && !path.equals("/version")
        && !("Bearer " + key).equals(call.ex.getRequestHeaders().getFirst("Authorization"))) {
      throw new ApiError(401, ApiError.INVALID_REQUEST, "Unauthorized: missing or wrong 'Authorization: Bearer' API key.", null, "unauthorized");
    }
    switch (path) {
      case "/version" -> {
        requireMethod(call, method, "GET", path);
        String v = OpenAiServer.class.getPackage().getImplementationVersion();
        sendJson(call, 200, json.createObjectNode().put("version", v == null ? "dev" : v));
      }
      case "/tokenize" -> {
        requireMethod(call, method, "POST", path);
        sendJson(call, 200, TokenizeEndpoints.tokenize(json, needTokenizer(), readBody(call.ex), contextWindow(null)));
      }
      case "/detokenize" -> {
        requireMethod(call, method, "POST", path);
        sendJson(call, 200, TokenizeEndpoints.detokenize(json, needTokenizer(), readBody(call.ex)));
      }
      case "/v1/chat/completions" -> {
        requireMethod(call, method, "POST", path);
        completion(call, parser.chat(readBody(call.ex)));
      }
      case "/v1/completions" -> {
        requireMethod(call, method, "POST", path);
        completion(call, parser.completions(readBody(call.ex)));
      }
      case "/v1/models" -> {
        requireMethod(call, method, "GET", path);
        ObjectNode list = json.createObjectNode();
        list.put("object", "list");
        var data = list.putArray("data");
        for (String id : engines.keySet()) data.add(modelObject(id));
        sendJson(call, 200, list);
      }
      case "/health" -> {
        requireMethod(call, method, "GET", path);
        sendJson(call, 200, json.createObjectNode().put("status", "ok"));
      }
      default -> {
        if (path.startsWith("/v1/models/")) {
          requireMethod(call, method, "GET", path);
          String id = path.substring("/v1/models/".length());
          if (!engines.containsKey(id)) {
            throw new ApiError(404, ApiError.INVALID_REQUEST, "The model '" + id + "' does not exist.", "model", "model_not_found");
          }
          sendJson(call, 200, modelObject(id));
          return;
        }
        throw new ApiError(404, ApiError.INVALID_REQUEST, "Invalid URL (" + method + " " + rawPath + ")", null, "not_found");
      }
    }
  }

  private static void requireMethod(Call call, String method, String allowed, String path) {
    if (!method.equals(allowed)) {
      call.ex.getResponseHeaders().set("Allow", allowed);
      throw new ApiError(405, ApiError.INVALID_REQUEST, "Method " + method + " is not allowed on " + path + "; use " + allowed + ".",
          null, "method_not_allowed");
    }
  }

  private ObjectNode modelObject(String id) {
    ObjectNode m = json.createObjectNode();
    m.put("id", id);
    m.put("object", "model");
    m.put("created", startedAt);
    m.put("owned_by", "harness");
    int w = contextWindow(id);
    if (w > 0) m.put("max_model_len", w);
    return m;
  }

  private Tokenizer needTokenizer() {
    if (tokenizer == null) throw ApiError.invalid(null, "This server has no tokenizer.");
    return tokenizer;
  }

  private JsonNode readBody(HttpExchange ex) throws IOException {
    String cl = ex.getRequestHeaders().getFirst("Content-Length");
    if (cl != null) {
      long declared;
      try {
        declared = Long.parseLong(cl.strip());
      } catch (NumberFormatException e) {
        throw ApiError.invalid(null, "Bad Content-Length: " + cl);
      }
      if (declared > MAX_BODY_BYTES) {
        throw new ApiError(413, ApiError.INVALID_REQUEST, "Request body of " + declared + " bytes is larger than the limit of "
            + MAX_BODY_BYTES + " bytes.", null, null);
      }
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (InputStream in = ex.getRequestBody()) {
      byte[] chunk = new byte[65536];
      int r;
      while ((r = in.read(chunk)) != -1) {
        if (buf.size() + r > MAX_BODY_BYTES) {
          throw new ApiError(413, ApiError.INVALID_REQUEST, "Request body larger than " + MAX_BODY_BYTES + " bytes.", null, null);
        }
        buf.write(chunk, 0, r);
      }
    }
    JsonNode n;
    try {
      n = json.readTree(buf.toByteArray());
    } catch (JsonProcessingException e) {
      throw ApiError.invalid(null, "We could not parse the JSON body of your request: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) throw ApiError.invalid(null, "The request body must be a JSON object.");
    return n;
  }

  // ---------------------------------------------------------------- completions

  /** What a request produced, ready to shape: the choice text, its tokens and offsets (when log-probs), usage. */
  private record Result(String text, String finishReason, List<TokenLogprob> tokens, int[] offsets, int promptTokenCount,
      String echoedPrompt, List<TokenLogprob> promptTokens, int completionTokenCount) {}

  private void completion(Call call, ServeRequest r) throws IOException {
    Result res = r.chat() ? runChat(r) : runCompletions(r);
    String id = (r.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    long created = Instant.now().getEpochSecond();
    if (r.stream()) {
      stream(call, r, res, id, created);
      return;
    }
    ObjectNode body = shapes.head(id, r.chat() ? "chat.completion" : "text_completion", created, r.model());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    if (r.chat()) {
      ObjectNode msg = choice.putObject("message");
      msg.put("role", "assistant");
      msg.put("content", res.text());
      if (r.logprobs()) choice.set("logprobs", shapes.chatLogprobs(res.tokens())); else choice.putNull("logprobs");
    } else {
      choice.put("text", res.text());
      if (r.logprobs()) choice.set("logprobs", shapes.legacyLogprobs(res.tokens(), res.offsets(), r.topLogprobs() > 0));
      else choice.putNull("logprobs");
    }
    choice.put("finish_reason", res.finishReason());
    body.set("usage", shapes.usage(res.promptTokenCount(), res.completionTokenCount()));
    sendJson(call, 200, body);
  }

  private Result runChat(ServeRequest r) {
    Completion c = engine(r).complete(r.toEngine());
    List<TokenLogprob> toks = r.logprobs() ? c.tokens() : List.of();
    int prompt = c.usage().promptTokens() >= 0 ? c.usage().promptTokens() : chatPromptTokens(r);
    return new Result(c.text(), finish(c), toks, EchoScoring.runningOffsets(toks, 0), prompt, null, List.of(), completionTokens(c));
  }

  private Result runCompletions(ServeRequest r) {
    String prompt = r.text();
    checkWindow(r);
    List<TokenLogprob> promptToks = !(r.echo() && r.logprobs()) ? List.of()
        : r.hasIds() ? idScores(r) : echo(r).promptTokens(prompt, r.topLogprobs());
    Completion c = r.maxTokens() >= 1 ? engine(r).complete(r.toEngine()) : null;
    String gen = c == null ? "" : c.text();
    String text = r.echo() ? prompt + gen : gen;
    List<TokenLogprob> toks = new ArrayList<>();
    int[] offsets = new int[0];
    if (r.logprobs()) {
      toks.addAll(promptToks);
      List<TokenLogprob> genToks = c == null ? List.of() : c.tokens();
      toks.addAll(genToks);
      int[] po = echo(r).offsets(prompt, promptToks);
      int[] go = EchoScoring.runningOffsets(genToks, r.echo() ? prompt.codePointCount(0, prompt.length()) : 0);
      offsets = new int[po.length + go.length];
      System.arraycopy(po, 0, offsets, 0, po.length);
      System.arraycopy(go, 0, offsets, po.length, go.length);
    }
    int promptCount = r.hasIds() ? r.promptIds().length : c != null && c.usage().promptTokens() >= 0 ? c.usage().promptTokens()
        : !promptToks.isEmpty() ? promptToks.size() : tokenizer != null ? tokenizer.count(prompt) : -1;
    String finish = c == null ? "length" : finish(c);
    return new Result(text, finish, toks, offsets, promptCount, r.echo() ? prompt : null, promptToks, c == null ? 0 : completionTokens(c));
  }

  private List<TokenLogprob> idScores(ServeRequest r) {
    if (!(engine(r) instanceof PromptScorer ps)) {
      throw ApiError.invalid("prompt", "'echo' with 'logprobs' on token-id prompts is not supported by this server's engine.");
    }
    try {
      return ps.idsTopLogprobs(r.promptIds(), r.topLogprobs());
    } catch (UnsupportedOperationException e) {
      throw ApiError.invalid("prompt", "'echo' with 'logprobs' on token-id prompts: " + e.getMessage() + ".");
    }
  }

  /** vLLM's refusal of a prompt plus max_tokens beyond the context window (serving_engine.py _validate_input). */
  private void checkWindow(ServeRequest r) {
    int w = contextWindow(r.model());
    if (w <= 0) return;
    int n = r.hasIds() ? r.promptIds().length : tokenizer == null ? -1 : tokenizer.encode(r.text(), true).size();
    if (r.maxTokens() > w) {
      throw ApiError.invalid("max_tokens", "'max_tokens' is too large: " + r.maxTokens() + ". This model's maximum context length is "
          + w + " tokens and your request has " + Math.max(n, 0) + " input tokens.");
    }
    if (n >= 0 && n + r.maxTokens() > w) {
      throw ApiError.invalid("prompt", "This model's maximum context length is " + w + " tokens. However, you requested "
          + (n + r.maxTokens()) + " tokens (" + n + " in the messages, " + r.maxTokens()
          + " in the completion). Please reduce the length of the messages or completion.");
    }
  }

  private static String finish(Completion c) { return c.finishReason() == null ? "stop" : c.finishReason(); }

  private int completionTokens(Completion c) {
    if (c.usage().completionTokens() >= 0) return c.usage().completionTokens();
    if (!c.tokens().isEmpty()) return c.tokens().size();
    return tokenizer != null ? tokenizer.count(c.text()) : -1;
  }

  /** Without the engine's count: the tokenizer over the message contents (the chat template is not counted). */
  private int chatPromptTokens(ServeRequest r) {
    if (tokenizer == null) return -1;
    String all = r.prompt().messages().stream().map(Message::content).collect(Collectors.joining("\n"))
        + (r.prompt().prefill() == null ? "" : r.prompt().prefill());
    return tokenizer.count(all);
  }

  // ---------------------------------------------------------------- streaming

  private void stream(Call call, ServeRequest r, Result res, String id, long created) throws IOException {
    call.ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    call.ex.getResponseHeaders().set("Cache-Control", "no-cache");
    call.ex.sendResponseHeaders(200, 0);
    call.status = 200;
    call.headersSent = true;
    OutputStream out = call.ex.getResponseBody();
    String object = r.chat() ? "chat.completion.chunk" : "text_completion";
    if (r.chat()) {
      ObjectNode role = chunk(r, id, object, created);
      ObjectNode ch = role.withArray("choices").addObject();
      ch.put("index", 0);
      ch.putObject("delta").put("role", "assistant").put("content", "");
      ch.putNull("logprobs");
      ch.putNull("finish_reason");
      event(out, role);
    }
    int promptN = res.promptTokens().size();
    if (!r.chat() && res.echoedPrompt() != null && !res.echoedPrompt().isEmpty()) {
      int[] off = java.util.Arrays.copyOfRange(res.offsets(), 0, Math.min(promptN, res.offsets().length));
      event(out, piece(r, id, object, created, res.echoedPrompt(), r.logprobs() ? res.promptTokens() : null, off));
    }
    List<TokenLogprob> gen = r.logprobs() ? res.tokens().subList(promptN, res.tokens().size()) : List.of();
    String genText = res.echoedPrompt() == null ? res.text() : res.text().substring(res.echoedPrompt().length());
    int base = res.echoedPrompt() == null ? 0 : res.echoedPrompt().codePointCount(0, res.echoedPrompt().length());
    if (!gen.isEmpty() && gen.stream().map(TokenLogprob::token).collect(Collectors.joining()).equals(genText)) {
      int[] offs = EchoScoring.runningOffsets(gen, base);
      for (int i = 0; i < gen.size(); i++) {
        event(out, piece(r, id, object, created, gen.get(i).token(), List.of(gen.get(i)), new int[] {offs[i]}));
      }
    } else if (!genText.isEmpty() || !gen.isEmpty()) {
      event(out, piece(r, id, object, created, genText, r.logprobs() ? gen : null, EchoScoring.runningOffsets(gen, base)));
    }
    ObjectNode last = chunk(r, id, object, created);
    ObjectNode ch = last.withArray("choices").addObject();
    ch.put("index", 0);
    if (r.chat()) ch.putObject("delta"); else ch.put("text", "");
    ch.putNull("logprobs");
    ch.put("finish_reason", res.finishReason());
    event(out, last);
    if (r.includeUsage()) {
      ObjectNode u = shapes.head(id, object, created, r.model());
      u.putArray("choices");
      u.set("usage", shapes.usage(res.promptTokenCount(), res.completionTokenCount()));
      event(out, u);
    }
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private ObjectNode chunk(ServeRequest r, String id, String object, long created) {
    ObjectNode c = shapes.head(id, object, created, r.model());
    c.putArray("choices");
    if (r.includeUsage()) c.putNull("usage");
    return c;
  }

  /** A content chunk; {@code tokens} null → {@code logprobs: null}. */
  private ObjectNode piece(ServeRequest r, String id, String object, long created, String text, List<TokenLogprob> tokens, int[] offsets) {
    ObjectNode c = chunk(r, id, object, created);
    ObjectNode ch = ((ArrayNode) c.get("choices")).addObject();
    ch.put("index", 0);
    if (r.chat()) {
      ch.putObject("delta").put("content", text);
      if (tokens == null) ch.putNull("logprobs"); else ch.set("logprobs", shapes.chatLogprobs(tokens));
    } else {
      ch.put("text", text);
      if (tokens == null) ch.putNull("logprobs"); else ch.set("logprobs", shapes.legacyLogprobs(tokens, offsets, r.topLogprobs() > 0));
    }
    ch.putNull("finish_reason");
    return c;
  }

  private void event(OutputStream out, ObjectNode chunk) throws IOException {
    out.write(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  // ---------------------------------------------------------------- responses and errors

  private static final class Call {
    final HttpExchange ex;
    int status = 500;
    boolean headersSent;

    Call(HttpExchange ex) { this.ex = ex; }
  }

  private void sendJson(Call call, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    call.ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    call.ex.sendResponseHeaders(status, bytes.length);
    call.status = status;
    call.headersSent = true;
    try (OutputStream out = call.ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void sendError(Call call, ApiError e) {
    if (call.headersSent) return; // mid-stream (the client went away): nothing more can be said
    try {
      sendJson(call, e.status(), Shapes.error(json, e));
    } catch (IOException ignored) {
      call.status = e.status(); // the client is gone
    }
  }

  static ApiError toApiError(Throwable t) {
    if (t instanceof ApiError a) return a;
    if (t instanceof EngineException e) {
      return switch (e.kind()) {
        case ENGINE_ERROR -> new ApiError(500, ApiError.SERVER_ERROR, message(e), null, "engine_error");
        case RATE_LIMITED -> new ApiError(503, ApiError.SERVER_ERROR, message(e), null, "rate_limited");
        case TIMEOUT -> new ApiError(503, ApiError.SERVER_ERROR, message(e), null, "timeout");
      };
    }
    if (t instanceof IllegalArgumentException || t instanceof UnsupportedOperationException) {
      return new ApiError(400, ApiError.INVALID_REQUEST, message(t), null, null);
    }
    return new ApiError(500, ApiError.SERVER_ERROR, "internal server error: " + t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage()), null, null);
  }

  private static String message(Throwable t) {
    return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
  }
}
