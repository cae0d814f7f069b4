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
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
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

/**
 * An OpenAI-compatible HTTP server over any {@link Engine} ({@code harness serve}), on the JDK's built-in
 * {@link HttpServer}, bound to 127.0.0.1 unless told otherwise. It is what {@code dev.harness.engine.openai.OpenAiEngine}
 * talks to.
 *
 * <p>Endpoints: {@code GET /v1/models} (and {@code /v1/models/{id}}), {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}, {@code GET /health}. Unknown path → 404, wrong method → 405, all in OpenAI's error
 * shape {@code {"error": {"message", "type", "param", "code"}}}; never a stack trace.
 *
 * <p>Request fields (unknown fields are ignored; fields this server does not implement, {@link RequestParser#UNSUPPORTED},
 * get a 400 naming them):
 * <ul>
 *   <li>both: {@code model} (optional; another id → 404 model_not_found), {@code max_tokens} or
 *       {@code max_completion_tokens} (chat default {@value RequestParser#DEFAULT_CHAT_MAX_TOKENS}, ≥ 1; completions
 *       default {@value RequestParser#DEFAULT_COMPLETIONS_MAX_TOKENS}, ≥ 0 — 0 generates nothing), {@code temperature}
 *       (≥ 0, default 1), {@code top_p} ((0, 1], default 1), {@code seed}, {@code stop} (string or list), {@code n}
 *       (1..128; sample j is seeded {@code seed + j}), {@code best_of} (only = n), {@code stream},
 *       {@code stream_options.include_usage}, {@code logit_bias}, {@code presence_penalty}, {@code frequency_penalty},
 *       {@code repetition_penalty} (as vLLM v1, {@link dev.harness.engine.LogitAdjustments}; engines that cannot apply
 *       them → 400). Choices are numbered as vLLM does: {@code index = prompt_i * n + j}.
 *   <li>chat: {@code messages} (roles system/developer/user/assistant; content a string or text parts),
 *       {@code logprobs} (boolean) + {@code top_logprobs} (int), vLLM's {@code continue_final_message} (the final
 *       assistant message becomes {@code Prompt.prefill}; the engine continues it) and {@code add_generation_prompt}
 *       (validated; both true → 400).
 *   <li>completions: {@code prompt} (a string, a list of strings, token ids or a list of token-id lists; ids are
 *       scored and continued exactly as sent; see {@link CompletionRunner}),
 *       {@code logprobs} (int = alternatives per position), {@code echo} (the prompt is returned before the
 *       completion; with {@code logprobs}, its tokens too, the first one's log-prob null — via {@link PromptScorer} when
 *       the engine implements it, else {@code engine.score(firstToken, rest)}; a BOS the tokenizer adds to a text
 *       prompt is echoed as entry 0, {@code "<s>"} with log-prob null, as vLLM does). {@code text_offset}s count code
 *       points from the start of the returned text, plus the BOS entry's length after it (vLLM's running sums).
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
 * <p>Streaming ({@link StreamWriter}): one prompt with n = 1 on an engine that reports tokens
 * ({@link PromptScorer#completeStreaming}) is streamed while it is generated, one flushed chunk per token; otherwise
 * the finished choices are streamed. The headers go out with the first event, so a failure before it is still a proper
 * HTTP error; after it, an error event and {@code data: [DONE]}.
 *
 * <p>Also: {@code GET /tokenizer_info}, {@code POST /tokenize}, {@code POST /detokenize}, {@code GET /version};
 * chat on a checkpoint without a chat template is refused with vLLM's 400 (see {@link PromptScorer#hasChatTemplate}).
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
  private final CompletionRunner runner;
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
    this.runner = new CompletionRunner(engines, echoes, modelId, tokenizerOrNull);
  }

  private static Map<String, Engine> single(String modelId, Engine engine) {
    if (modelId == null || modelId.isBlank()) throw new IllegalArgumentException("modelId must not be blank");
    Map<String, Engine> m = new LinkedHashMap<>();
    m.put(modelId, engine);
    return m;
  }


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

  /**
   * Caps the context window at {@code n} tokens (vLLM's --max-model-len): /v1/models, /tokenize report it and longer
   * requests get vLLM's 400. {@code n} must be >= 1 and not above the engine's own window.
   */
  public OpenAiServer maxModelLen(int n) {
    int own = engines.get(modelId) instanceof PromptScorer ps ? ps.contextWindow() : -1; // the checkpoint's, not an earlier cap
    if (n < 1) throw new IllegalArgumentException("max_model_len must be >= 1, got " + n);
    if (own > 0 && n > own) {
      throw new IllegalArgumentException("User-specified max_model_len (" + n + ") is greater than the derived max_model_len ("
          + own + " from the checkpoint)");
    }
    runner.maxModelLen(n);
    return this;
  }

  private int contextWindow(String model) { return runner.contextWindow(model); }

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
      case "/tokenizer_info" -> {
        requireMethod(call, method, "GET", path);
        Map<String, Object> info = engines.get(modelId) instanceof PromptScorer ps ? ps.tokenizerInfo() : null;
        if (info == null) throw new ApiError(404, ApiError.INVALID_REQUEST, "This server's engine has no tokenizer info.", null, "not_found");
        sendJson(call, 200, json.valueToTree(info));
      }
      case "/detokenize" -> {
        requireMethod(call, method, "POST", path);
        sendJson(call, 200, TokenizeEndpoints.detokenize(json, needTokenizer(), readBody(call.ex)));
      }
      case "/v1/chat/completions" -> {
        requireMethod(call, method, "POST", path);
        completion(call, List.of(parser.chat(readBody(call.ex))));
      }
      case "/v1/completions" -> {
        requireMethod(call, method, "POST", path);
        completion(call, parser.completionsBatch(readBody(call.ex)));
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

  private void completion(Call call, List<ServeRequest> prompts) throws IOException {
    ServeRequest r = prompts.get(0);
    if (r.stream() && streamsIncrementally(prompts)) {
      streamIncrementally(call, r, (r.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", ""),
          Instant.now().getEpochSecond());
      return;
    }
    List<CompletionRunner.Choice> choices = r.chat() ? runner.chat(r) : runner.completions(prompts);
    String id = (r.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    long created = Instant.now().getEpochSecond();
    if (r.stream()) {
      new StreamWriter(json, shapes, call, r, id, created).whole(choices, usage(choices, r.n()));
      return;
    }
    ObjectNode body = shapes.head(id, r.chat() ? "chat.completion" : "text_completion", created, r.model());
    ArrayNode arr = body.putArray("choices");
    for (CompletionRunner.Choice res : choices) {
      ObjectNode choice = arr.addObject();
      choice.put("index", res.index());
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
    }
    body.set("usage", usage(choices, r.n()));
    sendJson(call, 200, body);
  }

  /** vLLM's usage: each prompt's tokens once (not × n), the completion tokens of every choice; -1 when one is unknown. */
  private ObjectNode usage(List<CompletionRunner.Choice> choices, int n) {
    int prompt = 0;
    int completion = 0;
    for (CompletionRunner.Choice c : choices) {
      if (c.index() % n == 0) prompt = prompt < 0 || c.promptTokenCount() < 0 ? -1 : prompt + c.promptTokenCount();
      completion = completion < 0 || c.completionTokenCount() < 0 ? -1 : completion + c.completionTokenCount();
    }
    return shapes.usage(prompt, completion);
  }

  // ---------------------------------------------------------------- streaming

  /** One prompt, n = 1, tokens to generate, an engine that reports tokens as it makes them: streamed while generated. */
  private boolean streamsIncrementally(List<ServeRequest> prompts) {
    ServeRequest r = prompts.get(0);
    return prompts.size() == 1 && r.n() == 1 && r.maxTokens() >= 1 && runner.engine(r.model()) instanceof PromptScorer;
  }

  private void streamIncrementally(Call call, ServeRequest r, String id, long created) throws IOException {
    PromptScorer ps = (PromptScorer) runner.engine(r.model());
    StreamWriter w = new StreamWriter(json, shapes, call, r, id, created);
    int[] ids;
    List<TokenLogprob> promptToks = List.of();
    int[] promptOffsets = new int[0];
    if (r.chat()) {
      runner.checkChat(r);
      ids = null;
    } else {
      ids = runner.checkWindow(r, -1);
      promptToks = runner.echoed(List.of(r), runner.engine(r.model())).get(0);
      promptOffsets = runner.promptOffsets(r, promptToks);
    }
    int lead = r.echo() && !promptToks.isEmpty() ? runner.promptLead(r, promptToks) : 0;
    StreamWriter.Incremental inc = w.incremental(0, r.echo() ? r.text() : null, promptToks, promptOffsets, lead);
    Completion c;
    try {
      c = ps.completeStreaming(r.hasIds() ? r.promptIds() : null, r.toEngine(), inc);
    } catch (RuntimeException e) {
      if (!w.started()) throw e;
      if (e instanceof java.io.UncheckedIOException) return; // the client went away
      w.fail(toApiError(e));
      return;
    }
    if (c == null) { // the engine cannot report tokens: stream the finished completion
      List<CompletionRunner.Choice> choices = r.chat() ? runner.chat(r) : runner.completions(List.of(r));
      w.whole(choices, usage(choices, 1));
      return;
    }
    inc.done(c);
    CompletionRunner.Choice choice = r.chat() ? runner.chatChoice(r, 0, c) : runner.choice(0, r, promptToks, c, ids);
    w.end(usage(List.of(choice), 1));
  }

  // ---------------------------------------------------------------- responses and errors

  static final class Call {
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
