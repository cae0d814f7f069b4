package dev.harness.engine.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.KvSpec;
import dev.harness.engine.LogitAdjustments;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates request bodies into {@link ServeRequest}s; every problem is an {@link ApiError} (400, or 404 for an unknown
 * model) naming the offending field. Unknown fields are ignored, as vLLM does. See {@link OpenAiServer} for the fields.
 */
final class RequestParser {
  /** max_tokens when a chat request gives none (OpenAI's default is "up to the context window"). */
  static final int DEFAULT_CHAT_MAX_TOKENS = 512;
  /** OpenAI's legacy completions default. */
  static final int DEFAULT_COMPLETIONS_MAX_TOKENS = 16;
  /** kv_policy when a request sets other kv_* fields but no policy (the kv study's default). */
  static final String DEFAULT_KV_POLICY = "snapkv";

  private final List<String> modelIds;
  private final Tokenizer tokenizer;
  private final ObjectMapper json = new ObjectMapper();
  /** vLLM's --max-logprobs default. */
  static final int DEFAULT_MAX_LOGPROBS = 20;
  /**
   * Fields this server does not implement: a request that sets one (to anything but null or its no-op default) gets a
   * 400 naming it, instead of being served as if it were absent.
   */
  static final List<String> UNSUPPORTED = List.of("response_format", "tools", "tool_choice", "functions", "function_call",
      "suffix", "prompt_logprobs", "guided_json", "guided_regex", "guided_choice", "guided_grammar", "min_tokens", "use_beam_search", "lora_request");
  /** Choices per prompt at most (vLLM has no fixed cap; this keeps one request from holding the engine for long). */
  static final int MAX_N = 128;
  /** Prompts per completions request at most. */
  static final int MAX_PROMPTS = 1024;
  private int vocabSize = -1;
  private int maxLogprobs = DEFAULT_MAX_LOGPROBS;

  RequestParser(String modelId, Tokenizer tokenizerOrNull) { this(List.of(modelId), tokenizerOrNull); }

  /** {@code modelIds}: the served ids, the first being the default for requests that name none. */
  RequestParser(List<String> modelIds, Tokenizer tokenizerOrNull) {
    this.modelIds = List.copyOf(modelIds);
    this.tokenizer = tokenizerOrNull;
  }

  /** Ids are checked against {@code vocabSize} (-1: unchecked); logprobs/top_logprobs above {@code maxLogprobs} → 400. */
  RequestParser limits(int vocabSize, int maxLogprobs) {
    this.vocabSize = vocabSize;
    this.maxLogprobs = maxLogprobs;
    return this;
  }

  private static void checkUnsupported(JsonNode b) {
    for (String f : UNSUPPORTED) {
      JsonNode v = b.get(f);
      if (v == null || v.isNull()) continue;
      if (f.equals("min_tokens") && v.isNumber() && v.asDouble() == 0) continue;
      if ((v.isObject() || v.isArray()) && v.isEmpty()) continue;
      if (f.equals("suffix") && v.isTextual() && v.asText().isEmpty()) continue;
      if (v.isBoolean() && !v.asBoolean()) continue;
      throw ApiError.invalid(f, "'" + f + "' is not supported by this server (harness serve); remove it from the request.");
    }
  }

  private void checkLogprobs(String name, int k) {
    if (k > maxLogprobs) {
      throw ApiError.invalid(name, "Requested " + name + " of " + k + ", which is greater than max allowed: " + maxLogprobs);
    }
  }

  ServeRequest chat(JsonNode b) {
    String model = checkModel(b);
    checkUnsupported(b);
    int n = n(b);
    JsonNode msgs = b.get("messages");
    if (msgs == null || msgs.isNull()) throw ApiError.invalid("messages", "Missing required parameter: 'messages'.");
    if (!msgs.isArray() || msgs.isEmpty()) throw ApiError.invalid("messages", "'messages' must be a non-empty array of messages.");
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), i));
    boolean cont = bool(b, "continue_final_message", false);
    JsonNode agp = b.get("add_generation_prompt");
    if (cont && agp != null && agp.isBoolean() && agp.asBoolean()) {
      throw ApiError.invalid("continue_final_message", "'continue_final_message' and 'add_generation_prompt' cannot both be true.");
    }
    bool(b, "add_generation_prompt", true); // validated only: a Prompt always ends with the generation prompt unless prefilled
    String prefill = null;
    if (cont) {
      Message last = messages.get(messages.size() - 1);
      if (!last.role().equals("assistant")) {
        throw ApiError.invalid("messages", "'continue_final_message' is true but the final message is not an assistant message.");
      }
      prefill = last.content();
      messages = messages.subList(0, messages.size() - 1);
    }
    Prompt prompt = Prompt.chat(messages).withPrefill(prefill);
    int maxTokens = maxTokens(b, DEFAULT_CHAT_MAX_TOKENS, 1);
    boolean logprobs = bool(b, "logprobs", false);
    Integer top = integer(b, "top_logprobs", 0);
    int topK = top == null ? 0 : top;
    if (topK < 0) throw ApiError.invalid("top_logprobs", "'top_logprobs' must be >= 0, got " + topK + ".");
    if (topK > 0 && !logprobs) throw ApiError.invalid("top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
    checkLogprobs("top_logprobs", topK);
    return new ServeRequest(true, prompt, maxTokens, temperature(b), topP(b), seed(b), stop(b), logprobs, topK, false,
        bool(b, "stream", false), includeUsage(b), kv(b), model, null, n, adjust(b));
  }

  /** The first (often only) prompt of a completions request; see {@link #completionsBatch}. */
  ServeRequest completions(JsonNode b) { return completionsBatch(b).get(0); }

  /**
   * A completions request, one {@link ServeRequest} per prompt: {@code prompt} is a string, a list of strings, a list
   * of token ids, or a list of token-id lists (vLLM's forms; lm-eval sends the last with {@code batch_size > 1}).
   */
  List<ServeRequest> completionsBatch(JsonNode b) {
    String model = checkModel(b);
    checkUnsupported(b);
    int n = n(b);
    Integer bestOf = integer(b, "best_of", null);
    if (bestOf != null && bestOf != n) {
      throw ApiError.invalid("best_of", "Only best_of = n is supported (got best_of " + bestOf + ", n " + n + ").");
    }
    List<int[]> idLists = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    prompts(b.get("prompt"), idLists, texts);
    int maxTokens = maxTokens(b, DEFAULT_COMPLETIONS_MAX_TOKENS, 0);
    JsonNode lp = b.get("logprobs");
    boolean logprobs = lp != null && !lp.isNull();
    int topK = 0;
    if (logprobs) {
      if (!isInteger(lp) || lp.asLong() < 0 || lp.asLong() > Integer.MAX_VALUE) {
        throw ApiError.invalid("logprobs", "'logprobs' must be a non-negative integer (the number of alternatives) for /v1/completions.");
      }
      topK = lp.asInt();
      checkLogprobs("logprobs", topK);
    }
    double temperature = temperature(b);
    double topP = topP(b);
    Long seed = seed(b);
    List<String> stop = stop(b);
    boolean echo = bool(b, "echo", false);
    boolean stream = bool(b, "stream", false);
    boolean usage = includeUsage(b);
    var kv = kv(b);
    LogitAdjustments adjust = adjust(b);
    List<ServeRequest> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      int[] ids = idLists.get(i);
      String text = ids != null ? decode(ids) : texts.get(i);
      out.add(new ServeRequest(false, Prompt.text(text), maxTokens, temperature, topP, seed, stop, logprobs, topK, echo, stream,
          usage, kv, model, ids, n, adjust));
    }
    return out;
  }

  /**
   * logit_bias and the three penalties, validated as vLLM's SamplingParams._verify_args does (presence / frequency in
   * [-2, 2], repetition in (0, 2]); logit_bias keys are token ids (strings), values clamped to [-100, 100]
   * (protocol.py to_sampling_params), ids outside the vocabulary → 400.
   */
  private LogitAdjustments adjust(JsonNode b) {
    double presence = penalty(b, "presence_penalty", 0);
    double frequency = penalty(b, "frequency_penalty", 0);
    Double rep = number(b, "repetition_penalty");
    double repetition = rep == null ? 1 : rep;
    if (!(repetition > 0 && repetition <= 2)) {
      throw ApiError.invalid("repetition_penalty", "repetition_penalty must be in (0, 2], got " + repetition + ".");
    }
    Map<Integer, Double> bias = new LinkedHashMap<>();
    JsonNode lb = b.get("logit_bias");
    if (lb != null && !lb.isNull()) {
      if (!lb.isObject()) throw ApiError.invalid("logit_bias", "'logit_bias' must be an object of token id → bias.");
      List<Integer> outOfVocab = new ArrayList<>();
      for (var it = lb.fields(); it.hasNext(); ) {
        var e = it.next();
        int id;
        try {
          id = Integer.parseInt(e.getKey().strip());
        } catch (NumberFormatException x) {
          throw ApiError.invalid("logit_bias", "'logit_bias' keys must be token ids, got '" + e.getKey() + "'.");
        }
        if (!e.getValue().isNumber()) throw ApiError.invalid("logit_bias", "'logit_bias' values must be numbers, got " + e.getValue() + ".");
        if (id < 0 || (vocabSize > 0 && id >= vocabSize)) outOfVocab.add(id);
        bias.put(id, Math.max(-100.0, Math.min(100.0, e.getValue().asDouble())));
      }
      if (!outOfVocab.isEmpty()) {
        throw ApiError.invalid("logit_bias", "token_id(s) " + outOfVocab + " in logit_bias contain out-of-vocab token ids."
            + (vocabSize > 0 ? " Vocabulary size: " + vocabSize : ""));
      }
    }
    return new LogitAdjustments(bias, presence, frequency, repetition);
  }

  private static double penalty(JsonNode b, String name, double dflt) {
    Double v = number(b, name);
    if (v == null) return dflt;
    if (!(v >= -2 && v <= 2)) throw ApiError.invalid(name, name + " must be in [-2, 2], got " + v + ".");
    return v;
  }

  /** The served model id the request names (the default when it names none). */
  private String checkModel(JsonNode b) {
    JsonNode m = b.get("model");
    if (m == null || m.isNull()) return modelIds.get(0);
    if (!m.isTextual()) throw ApiError.invalid("model", "'model' must be a string.");
    if (!modelIds.contains(m.asText())) {
      throw new ApiError(404, ApiError.INVALID_REQUEST, "The model '" + m.asText() + "' does not exist; this server serves '"
          + String.join("', '", modelIds) + "' (see GET /v1/models).", "model", "model_not_found");
    }
    return m.asText();
  }

  /** Choices per prompt: 1..{@value #MAX_N}. */
  private static int n(JsonNode b) {
    Integer n = integer(b, "n", 1);
    if (n == null) return 1;
    if (n < 1 || n > MAX_N) throw ApiError.invalid("n", "'n' must be in [1, " + MAX_N + "], got " + n + ".");
    return n;
  }

  private Message message(JsonNode m, int i) {
    String where = "messages[" + i + "]";
    if (!m.isObject()) throw ApiError.invalid(where, where + " must be an object with 'role' and 'content'.");
    JsonNode role = m.get("role");
    if (role == null || !role.isTextual()) throw ApiError.invalid(where + ".role", where + " has no 'role'.");
    String r = switch (role.asText()) {
      case "system", "developer" -> "system";
      case "user" -> "user";
      case "assistant" -> "assistant";
      default -> throw ApiError.invalid(where + ".role", "Unsupported role '" + role.asText()
          + "' in " + where + ": expected system, developer, user or assistant.");
    };
    return new Message(r, content(m.get("content"), where + ".content"));
  }

  private static String content(JsonNode c, String where) {
    if (c == null || c.isNull()) return "";
    if (c.isTextual()) return c.asText();
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (part.isTextual()) {
          sb.append(part.asText());
        } else if (part.isObject() && "text".equals(part.path("type").asText("text")) && part.path("text").isTextual()) {
          sb.append(part.path("text").asText());
        } else {
          throw ApiError.invalid(where, "Only text content parts are supported in " + where + ".");
        }
      }
      return sb.toString();
    }
    throw ApiError.invalid(where, where + " must be a string or an array of text parts.");
  }

  /**
   * Splits {@code prompt} into one entry per prompt: {@code ids} gets the token ids (null for a text prompt), {@code texts}
   * the text (null for an id prompt).
   */
  private void prompts(JsonNode p, List<int[]> ids, List<String> texts) {
    if (p == null || p.isNull()) throw ApiError.invalid("prompt", "Missing required parameter: 'prompt'.");
    if (p.isTextual()) {
      ids.add(null);
      texts.add(p.asText());
      return;
    }
    if (!p.isArray()) throw ApiError.invalid("prompt", "'prompt' must be a string, a list of strings, a list of token ids or a list of token-id lists.");
    if (p.isEmpty()) throw ApiError.invalid("prompt", "'prompt' must not be an empty list.");
    if (p.size() > MAX_PROMPTS) throw ApiError.invalid("prompt", "At most " + MAX_PROMPTS + " prompts per request, got " + p.size() + ".");
    JsonNode first = p.get(0);
    if (first.isNumber()) {
      ids.add(idList(p, "prompt"));
      texts.add(null);
      return;
    }
    for (int i = 0; i < p.size(); i++) {
      JsonNode x = p.get(i);
      String where = "prompt[" + i + "]";
      if (first.isTextual() && x.isTextual()) {
        ids.add(null);
        texts.add(x.asText());
      } else if (first.isArray() && x.isArray()) {
        ids.add(idList(x, where));
        texts.add(null);
      } else {
        throw ApiError.invalid("prompt", "'prompt' must be a string, a list of strings, a list of token ids or a list of token-id"
            + " lists; " + where + " is " + x.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + ".");
      }
    }
  }

  /** Token ids kept exactly as sent. */
  private int[] idList(JsonNode ids, String where) {
    if (ids.isEmpty()) throw ApiError.invalid("prompt", "'" + where + "' must not be an empty list of token ids.");
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode id = ids.get(i);
      if (!isInteger(id) || id.asLong() < 0 || id.asLong() > Integer.MAX_VALUE) {
        throw ApiError.invalid("prompt", "'" + where + "' token ids must be non-negative integers, got " + id + " at position " + i + ".");
      }
      out[i] = id.asInt();
      if (vocabSize > 0 && out[i] >= vocabSize) {
        throw ApiError.invalid("prompt", "Token id " + out[i] + " at position " + i + " of '" + where + "' is out of vocabulary (size "
            + vocabSize + ").");
      }
    }
    if (tokenizer == null) throw ApiError.invalid("prompt", "Token-id prompts need a tokenizer, and this server has none: send text.");
    return out;
  }

  private String decode(int[] ids) {
    List<Integer> l = new ArrayList<>(ids.length);
    for (int id : ids) l.add(id);
    return tokenizer.decode(l);
  }

  private int maxTokens(JsonNode b, int dflt, int min) {
    Integer v = integer(b, "max_completion_tokens", null);
    String name = "max_completion_tokens";
    if (v == null) {
      v = integer(b, "max_tokens", null);
      name = "max_tokens";
    }
    if (v == null) return dflt;
    if (v < min) throw ApiError.invalid(name, "'" + name + "' must be >= " + min + ", got " + v + ".");
    return v;
  }

  private static double temperature(JsonNode b) {
    Double t = number(b, "temperature");
    if (t == null) return 1.0;
    if (!(t >= 0) || t.isInfinite()) throw ApiError.invalid("temperature", "'temperature' must be a number >= 0, got " + t + ".");
    return t;
  }

  private static double topP(JsonNode b) {
    Double p = number(b, "top_p");
    if (p == null) return 1.0;
    if (!(p > 0 && p <= 1)) throw ApiError.invalid("top_p", "'top_p' must be in (0, 1], got " + p + ".");
    return p;
  }

  private static Long seed(JsonNode b) {
    JsonNode s = b.get("seed");
    if (s == null || s.isNull()) return null;
    if (!isInteger(s) || !s.canConvertToLong()) throw ApiError.invalid("seed", "'seed' must be an integer.");
    return s.asLong();
  }

  private static List<String> stop(JsonNode b) {
    JsonNode s = b.get("stop");
    if (s == null || s.isNull()) return List.of();
    List<String> out = new ArrayList<>();
    if (s.isTextual()) {
      if (!s.asText().isEmpty()) out.add(s.asText());
      return out;
    }
    if (!s.isArray()) throw ApiError.invalid("stop", "'stop' must be a string or a list of strings.");
    for (JsonNode x : s) {
      if (!x.isTextual()) throw ApiError.invalid("stop", "'stop' must be a string or a list of strings.");
      if (!x.asText().isEmpty()) out.add(x.asText());
    }
    return out;
  }

  private static boolean includeUsage(JsonNode b) {
    JsonNode o = b.get("stream_options");
    if (o == null || o.isNull()) return false;
    if (!o.isObject()) throw ApiError.invalid("stream_options", "'stream_options' must be an object.");
    return bool(o, "include_usage", false);
  }

  /** The KV fields; null when the request names none of them. */
  private KvSpec kv(JsonNode b) {
    JsonNode policy = present(b, "kv_policy");
    JsonNode budget = present(b, "kv_budget");
    JsonNode params = present(b, "kv_params");
    JsonNode queryAware = present(b, "kv_query_aware");
    JsonNode suffix = present(b, "kv_protected_suffix");
    if (policy == null && budget == null && params == null && queryAware == null && suffix == null) return null;
    String p = DEFAULT_KV_POLICY;
    if (policy != null) {
      if (!policy.isTextual() || policy.asText().isBlank()) throw ApiError.invalid("kv_policy", "'kv_policy' must be a non-empty string.");
      p = policy.asText().strip();
    }
    double f = 1.0;
    if (budget != null) {
      Double v = budget.isNumber() ? Double.valueOf(budget.asDouble()) : budget.isTextual() ? parseDouble(budget.asText()) : null;
      if (v == null || !(v > 0 && v <= 1)) {
        throw ApiError.invalid("kv_budget", "'kv_budget' must be a number in (0, 1] (the fraction of KV positions kept), got "
            + budget + ".");
      }
      f = v;
    }
    Map<String, Object> m = Map.of();
    if (params != null) {
      if (!params.isObject()) throw ApiError.invalid("kv_params", "'kv_params' must be an object.");
      @SuppressWarnings("unchecked")
      Map<String, Object> converted = json.convertValue(params, LinkedHashMap.class);
      m = converted;
      if (m.containsValue(null)) throw ApiError.invalid("kv_params", "'kv_params' values must not be null.");
    }
    boolean qa = true;
    if (queryAware != null) {
      if (!queryAware.isBoolean()) throw ApiError.invalid("kv_query_aware", "'kv_query_aware' must be a boolean.");
      qa = queryAware.asBoolean();
    }
    String s = null;
    if (suffix != null) {
      if (!suffix.isTextual()) throw ApiError.invalid("kv_protected_suffix", "'kv_protected_suffix' must be a string.");
      s = suffix.asText();
    }
    return new KvSpec(p, f, m, qa, s);
  }

  private static JsonNode present(JsonNode b, String name) {
    JsonNode n = b.get(name);
    return n == null || n.isNull() ? null : n;
  }

  private static Double parseDouble(String s) {
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean isInteger(JsonNode n) {
    return n.isIntegralNumber() || (n.isFloatingPointNumber() && n.asDouble() == Math.rint(n.asDouble()) && !Double.isInfinite(n.asDouble()));
  }

  /** An optional integer field (null when absent or null; {@code dflt} is only documentation of the caller's default). */
  private static Integer integer(JsonNode b, String name, Integer dflt) {
    JsonNode n = b.get(name);
    if (n == null || n.isNull()) return dflt;
    if (!isInteger(n) || n.asLong() < Integer.MIN_VALUE || n.asLong() > Integer.MAX_VALUE) {
      throw ApiError.invalid(name, "'" + name + "' must be an integer, got " + n + ".");
    }
    return n.asInt();
  }

  private static Double number(JsonNode b, String name) {
    JsonNode n = b.get(name);
    if (n == null || n.isNull()) return null;
    if (!n.isNumber()) throw ApiError.invalid(name, "'" + name + "' must be a number, got " + n + ".");
    return n.asDouble();
  }

  private static boolean bool(JsonNode b, String name, boolean dflt) {
    JsonNode n = b.get(name);
    if (n == null || n.isNull()) return dflt;
    if (!n.isBoolean()) throw ApiError.invalid(name, "'" + name + "' must be a boolean, got " + n + ".");
    return n.asBoolean();
  }
}
