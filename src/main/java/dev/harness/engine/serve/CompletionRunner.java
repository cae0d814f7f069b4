package dev.harness.engine.serve;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.Message;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs validated chat and completions requests on the engines and returns one {@link Choice} per prompt × n, in vLLM's
 * order (vllm/entrypoints/openai/serving_completion.py, {@code request_output_to_completion_response}: the prompts in
 * order, each prompt's n outputs in order, {@code index = len(choices)}, i.e. prompt_i × n + j).
 *
 * <p>Token-id prompts are scored and continued exactly as sent ({@link PromptScorer#idsTopLogprobsBatch},
 * {@link PromptScorer#completeIdsBatch}: one batch through the engine for all prompts × n, shared with concurrent
 * requests by the engine's {@link EngineBatcher}); text prompts are tokenized with the server's tokenizer (special
 * tokens added, as vLLM does for text and as the local engine renders text) and batched the same way. A request with
 * KV fields, or an engine that cannot generate from ids: one engine call per choice.
 */
final class CompletionRunner {
  /** One choice, ready to shape: its text, finish reason, tokens and offsets (when log-probs) and its prompt's counts. */
  record Choice(int index, String text, String finishReason, List<TokenLogprob> tokens, int[] offsets, int promptTokenCount,
      String echoedPrompt, List<TokenLogprob> promptTokens, int completionTokenCount) {}

  private final Map<String, Engine> engines;
  private final Map<String, EchoScoring> echoes;
  private final String defaultModel;
  private final Tokenizer tokenizer;
  private volatile int maxModelLen = -1;
  private final Map<PromptScorer, EngineBatcher> batchers = new java.util.concurrent.ConcurrentHashMap<>();

  CompletionRunner(Map<String, Engine> engines, Map<String, EchoScoring> echoes, String defaultModel, Tokenizer tokenizerOrNull) {
    this.engines = engines;
    this.echoes = echoes;
    this.defaultModel = defaultModel;
    this.tokenizer = tokenizerOrNull;
  }

  /** The batcher of one engine: concurrent requests to it share its batched forward passes. */
  EngineBatcher batcher(PromptScorer ps) { return batchers.computeIfAbsent(ps, EngineBatcher::new); }

  /** Caps the context window (vLLM's --max-model-len); -1: the engine's own. */
  void maxModelLen(int cap) { this.maxModelLen = cap; }

  Engine engine(String model) { return engines.get(model == null ? defaultModel : model); }

  /** The window requests are checked against: the engine's, capped by --max-model-len; -1 when neither is known. */
  int contextWindow(String model) {
    int w = engine(model) instanceof PromptScorer ps ? ps.contextWindow() : -1;
    int cap = maxModelLen;
    if (cap > 0) return w > 0 ? Math.min(w, cap) : cap;
    return w;
  }

  // ---------------------------------------------------------------- chat

  List<Choice> chat(ServeRequest r) {
    checkChat(r);
    Engine e = engine(r.model());
    List<Choice> out = new ArrayList<>();
    for (int j = 0; j < r.n(); j++) out.add(chatChoice(r, j, e.complete(r.toEngine(j))));
    return out;
  }

  Choice chatChoice(ServeRequest r, int j, Completion c) {
    List<TokenLogprob> toks = r.logprobs() ? c.tokens() : List.of();
    int prompt = c.usage().promptTokens() >= 0 ? c.usage().promptTokens() : chatPromptTokens(r);
    return new Choice(j, c.text(), finish(c), toks, EchoScoring.runningOffsets(toks, 0), prompt, null, List.of(), completionTokens(c));
  }

  /** vLLM's refusals of a chat request before it runs: no chat template; max_tokens over the window. */
  void checkChat(ServeRequest r) {
    Engine e = engine(r.model());
    if (e instanceof PromptScorer ps && !ps.hasChatTemplate()) {
      // vLLM's text (vllm/entrypoints/chat_utils.py, resolve_hf_chat_template / apply_hf_chat_template)
      throw ApiError.invalid(null, "As of transformers v4.44, default chat template is no longer allowed, so you must provide a"
          + " chat template if the tokenizer does not define one. (This checkpoint has none: start `harness serve` with"
          + " --chat-template FILE, or use /v1/completions.)");
    }
    checkWindow(r, contextWindow(r.model()) > 0 && e instanceof PromptScorer ps ? ps.promptTokenCount(r.prompt()) : -1);
  }

  // ---------------------------------------------------------------- completions

  List<Choice> completions(List<ServeRequest> prompts) {
    ServeRequest first = prompts.get(0);
    Engine e = engine(first.model());
    int[][] promptIds = new int[prompts.size()][];
    for (int i = 0; i < prompts.size(); i++) promptIds[i] = checkWindow(prompts.get(i), -1);
    List<List<TokenLogprob>> promptToks = echoed(prompts, e);
    List<List<Completion>> gens = generate(prompts, promptIds, e);
    List<Choice> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      ServeRequest r = prompts.get(i);
      for (int j = 0; j < r.n(); j++) out.add(choice(out.size(), r, promptToks.get(i), gens.get(i).get(j), promptIds[i]));
    }
    return out;
  }

  /** Prompt log-probs of each prompt (empty unless echo + logprobs). */
  List<List<TokenLogprob>> echoed(List<ServeRequest> prompts, Engine e) {
    List<List<TokenLogprob>> out = new ArrayList<>();
    ServeRequest first = prompts.get(0);
    if (!(first.echo() && first.logprobs())) {
      for (int i = 0; i < prompts.size(); i++) out.add(List.of());
      return out;
    }
    List<int[]> ids = new ArrayList<>();
    for (ServeRequest r : prompts) if (r.hasIds()) ids.add(r.promptIds());
    List<List<TokenLogprob>> scored = List.of();
    if (!ids.isEmpty()) {
      if (!(e instanceof PromptScorer ps)) {
        throw ApiError.invalid("prompt", "'echo' with 'logprobs' on token-id prompts is not supported by this server's engine.");
      }
      try {
        scored = batcher(ps).score(ids, first.topLogprobs());
      } catch (UnsupportedOperationException x) {
        throw ApiError.invalid("prompt", "'echo' with 'logprobs' on token-id prompts: " + x.getMessage() + ".");
      }
    }
    int k = 0;
    for (ServeRequest r : prompts) {
      out.add(r.hasIds() ? scored.get(k++) : echoes.get(r.model() == null ? defaultModel : r.model()).promptTokens(r.text(), r.topLogprobs()));
    }
    return out;
  }

  /** The n completions of each prompt ({@code null}s when max_tokens is 0). */
  private List<List<Completion>> generate(List<ServeRequest> prompts, int[][] promptIds, Engine e) {
    List<List<Completion>> out = new ArrayList<>();
    ServeRequest first = prompts.get(0);
    if (first.maxTokens() < 1) {
      for (ServeRequest r : prompts) out.add(java.util.Collections.nCopies(r.n(), null));
      return out;
    }
    boolean anyIds = prompts.stream().anyMatch(ServeRequest::hasIds);
    boolean batch = e instanceof PromptScorer && first.kv() == null && tokenizer != null;
    if (anyIds && !(e instanceof PromptScorer)) {
      throw ApiError.invalid("prompt", "Generation from token-id prompts is not supported by this server's engine.");
    }
    if (!batch) return oneByOne(prompts, e);
    List<int[]> ids = new ArrayList<>();
    List<CompletionRequest> reqs = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      ServeRequest r = prompts.get(i);
      int[] p = promptIds[i] != null ? promptIds[i] : toArray(tokenizer.encode(r.text(), true));
      for (int j = 0; j < r.n(); j++) {
        ids.add(p);
        reqs.add(r.toEngine(j));
      }
    }
    List<Completion> done;
    try {
      done = batcher((PromptScorer) e).generate(ids, reqs);
    } catch (UnsupportedOperationException x) {
      if (!anyIds) return oneByOne(prompts, e); // text prompts: the engine renders them itself
      throw ApiError.invalid("prompt", "Generation from token-id prompts: " + x.getMessage() + ".");
    }
    int k = 0;
    for (ServeRequest r : prompts) {
      out.add(new ArrayList<>(done.subList(k, k + r.n())));
      k += r.n();
    }
    return out;
  }

  private static List<List<Completion>> oneByOne(List<ServeRequest> prompts, Engine e) {
    List<List<Completion>> out = new ArrayList<>();
    for (ServeRequest r : prompts) {
      List<Completion> cs = new ArrayList<>();
      for (int j = 0; j < r.n(); j++) cs.add(e.complete(r.toEngine(j)));
      out.add(cs);
    }
    return out;
  }

  /** Code-point offsets of the echoed prompt's tokens. */
  int[] promptOffsets(ServeRequest r, List<TokenLogprob> promptToks) {
    return echoes.get(r.model() == null ? defaultModel : r.model()).offsets(r.text(), promptToks);
  }

  /** The length of an echoed BOS entry in front of the prompt's tokens ({@link EchoScoring#leadLength}), else 0. */
  int promptLead(ServeRequest r, List<TokenLogprob> promptToks) {
    return echoes.get(r.model() == null ? defaultModel : r.model()).leadLength(r.text(), promptToks);
  }

  Choice choice(int index, ServeRequest r, List<TokenLogprob> promptToks, Completion c, int[] ids) {
    String prompt = r.text();
    String gen = c == null ? "" : c.text();
    String text = r.echo() ? prompt + gen : gen;
    List<TokenLogprob> toks = new ArrayList<>();
    int[] offsets = new int[0];
    if (r.logprobs()) {
      toks.addAll(promptToks);
      List<TokenLogprob> genToks = c == null ? List.of() : c.tokens();
      toks.addAll(genToks);
      EchoScoring echo = echoes.get(r.model() == null ? defaultModel : r.model());
      int[] po = echo.offsets(prompt, promptToks);
      // vLLM's running sums: after an echoed BOS entry the generated tokens' offsets are shifted by its text too
      int base = r.echo() ? prompt.codePointCount(0, prompt.length()) + echo.leadLength(prompt, promptToks) : 0;
      int[] go = EchoScoring.runningOffsets(genToks, base);
      offsets = new int[po.length + go.length];
      System.arraycopy(po, 0, offsets, 0, po.length);
      System.arraycopy(go, 0, offsets, po.length, go.length);
    }
    int promptCount = r.hasIds() ? r.promptIds().length : c != null && c.usage().promptTokens() >= 0 ? c.usage().promptTokens()
        : !promptToks.isEmpty() ? promptToks.size() : ids != null ? ids.length : tokenizer != null ? tokenizer.count(prompt) : -1;
    String finish = c == null ? "length" : finish(c);
    return new Choice(index, text, finish, toks, offsets, promptCount, r.echo() ? prompt : null, promptToks,
        c == null ? 0 : completionTokens(c));
  }

  /**
   * vLLM's refusal of a prompt plus max_tokens beyond the context window (serving_engine.py {@code _validate_input});
   * returns the prompt's ids when it counted them (an id prompt, or a text prompt tokenized with special tokens), else null.
   */
  int[] checkWindow(ServeRequest r, int knownCount) {
    if (!r.adjust().isNone() && !(engine(r.model()) instanceof PromptScorer ps && ps.appliesLogitAdjustments())) {
      String f = !r.adjust().logitBias().isEmpty() ? "logit_bias" : r.adjust().presencePenalty() != 0 ? "presence_penalty"
          : r.adjust().frequencyPenalty() != 0 ? "frequency_penalty" : "repetition_penalty";
      throw ApiError.invalid(f, "'" + f + "' is not supported by this server's engine; remove it from the request.");
    }
    int w = contextWindow(r.model());
    if (w <= 0) return r.promptIds();
    int[] ids = r.hasIds() ? r.promptIds() : !r.chat() && tokenizer != null ? toArray(tokenizer.encode(r.text(), true)) : null;
    int n = ids != null ? ids.length : knownCount;
    if (r.maxTokens() > w) {
      throw ApiError.invalid("max_tokens", "'max_tokens' is too large: " + r.maxTokens() + ". This model's maximum context length is "
          + w + " tokens and your request has " + Math.max(n, 0) + " input tokens.");
    }
    if (n >= 0 && n + r.maxTokens() > w) {
      throw ApiError.invalid("prompt", "This model's maximum context length is " + w + " tokens. However, you requested "
          + (n + r.maxTokens()) + " tokens (" + n + " in the messages, " + r.maxTokens()
          + " in the completion). Please reduce the length of the messages or completion.");
    }
    return ids;
  }

  private static int[] toArray(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) a[i] = l.get(i);
    return a;
  }

  static String finish(Completion c) { return c.finishReason() == null ? "stop" : c.finishReason(); }

  int completionTokens(Completion c) {
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
}
