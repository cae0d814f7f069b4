package dev.harness.engine.local;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.harness.engine.AnswerLoglik;
import dev.harness.engine.BatchGeneration;
import dev.harness.engine.BatchScoring;
import dev.harness.engine.Capability;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.CompressedLoglik;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.FullNextToken;
import dev.harness.engine.IdGeneration;
import dev.harness.engine.IdScoring;
import dev.harness.engine.InProcess;
import dev.harness.engine.KvSpec;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.SharedPrefixScoring;
import dev.harness.engine.TokenIds;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.local.lora.LoraException;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.ModelConfig;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import dev.harness.engine.local.weights.CheckpointException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The in-process engine: a Hugging Face model directory run by DJL's PyTorch engine. This class is the facade: one
 * view of a {@link LoadedModel} (loading, device, tokenizer, the lock that serialises forward passes) that applies one
 * adapter ({@link AdapterViews}); the work is done by {@link Generator} (generation, single and batched),
 * {@link TeacherForcing} (scoring), {@link CompressedScoring} (answer log-likelihood through a compressed cache) and
 * {@link NextTokens} (next-token distributions), all through {@link ChunkedForward}. Tokenization runs outside the lock.
 */
public final class LocalEngine implements dev.harness.engine.Engine, TokenIds, BatchGeneration, IdGeneration,
    BatchScoring, IdScoring, SharedPrefixScoring, CompressedLoglik, FullNextToken, InProcess {
  private static final Set<Capability> CAPABILITIES = Set.of(Capability.COMPLETE, Capability.TOKEN_LOGPROBS,
      Capability.SCORE, Capability.NEXT_TOKEN, Capability.FULL_VOCABULARY, Capability.TOKENIZER, Capability.KV_COMPRESSION);

  /** The loaded base and its adapters, shared by every view ({@link #withAdapter}); released with the last view. */
  private final LoadedModel m;
  /** The adapter this view applies (null: the base model, or the merged adapter when one was merged). */
  private final String adapter;
  private final TeacherForcing scoring;
  private final Generator generator;
  private final NextTokens next;
  private final CompressedScoring compressed;
  private boolean closed;

  private LocalEngine(LoadedModel m, String adapter) {
    this.m = m;
    this.adapter = adapter;
    this.scoring = new TeacherForcing(this, m);
    this.generator = new Generator(this, m);
    this.next = new NextTokens(this, m);
    this.compressed = new CompressedScoring(this, m, scoring);
  }

  /**
   * Opens a model directory (config.json, model.safetensors or a sharded index, tokenizer.json, optional
   * tokenizer_config.json and generation_config.json). Throws {@link CheckpointException} with a one-line message
   * naming the file when the directory cannot be used.
   */
  public static LocalEngine open(Path modelDir, LocalOptions options) {
    return new LocalEngine(LoadedModel.open(modelDir, options), null);
  }

  // ---------------------------------------------------------------- adapters

  /**
   * Loads a PEFT adapter onto this base, unmerged, under {@code name} (idempotent for the same name and directory),
   * without changing what this view applies; select it with {@link #withAdapter}. Throws {@link CheckpointException}
   * (a {@link LoraException}) naming the adapter file and the module when it does not fit the base.
   */
  public String addAdapter(String name, Path adapterDir) { return withLock(() -> m.adapters.add(name, adapterDir)); }

  /**
   * Folds a PEFT adapter into the dense weights (W' = W + scaling·B·A): from now on every view of this base runs the
   * merged model. Only on a float (not NF4) base without other adapters.
   */
  public void mergeAdapter(Path adapterDir) {
    withLock(() -> {
      m.adapters.merge(adapterDir);
      return null;
    });
  }

  /**
   * A view of this engine's loaded base that applies adapter {@code name} (null: no adapter) to every call; it shares
   * the weights, the tokenizer and the lock. Each view is closed on its own; the base goes with the last one.
   */
  public LocalEngine withAdapter(String name) {
    return withLock(() -> {
      m.adapters.openView(name);
      return new LocalEngine(m, name);
    });
  }

  /** Whether the shared base is still loaded (some view is open). */
  public boolean alive() {
    m.lock.lock();
    try {
      return m.adapters.alive();
    } finally {
      m.lock.unlock();
    }
  }

  /** Whether this engine and {@code other} are views of the same loaded weights. */
  public boolean sharesBaseWith(LocalEngine other) { return other != null && m == other.m; }

  /** The adapter this view applies (null: none, or the merged one — see {@link #adapters}). */
  public String adapterName() { return adapter; }

  /** The adapters loaded on this base (a merged one included). */
  public List<LoadedAdapter> adapters() { return withLock(m.adapters::all); }

  /** Bytes of the linear layers as loaded (NF4 or float) and as they would be in the model dtype and in float16. */
  public WeightBytes weightBytes() { return m.bytes; }

  private <T> T withLock(Supplier<T> work) {
    m.lock.lock();
    try {
      if (!m.adapters.alive()) throw new IllegalStateException("local engine " + m.dir + " is closed");
      return work.get();
    } finally {
      m.lock.unlock();
    }
  }

  // ---------------------------------------------------------------- helpers other code calls

  public Tokenizer tokenizer() { return m.tokenizer; }

  public HfTokenizer hfTokenizer() { return m.tokenizer; }

  public ModelConfig config() { return m.model.config(); }

  public int vocabSize() { return m.model.config().vocabSize(); }

  public int maxLength() { return m.maxLength; }

  /** Weight bytes left in the checkpoint file and read per row (CPU: an untied input embedding); see CausalLM. */
  public long fileBackedBytes() { return m.model.fileBackedBytes(); }

  /** Token ids of a prompt as complete/nextToken feed them to the model (chat template or plain text). */
  public int[] promptIds(Prompt p) { return m.promptIds(p); }

  /**
   * The ids of {@code continuation} as this tokenizer splits it after the rendered prompt: the tail of
   * ids(rendered + continuation) beyond {@link #promptIds} when that is a prefix of it, else lm-eval's split
   * ({@link ContinuationSplit}) — for scoring a text after exactly the context generation saw.
   */
  public int[] continuationIds(Prompt p, String continuation) {
    RenderedPrompt rp = m.renderer.render(p);
    int[] ctx = m.ids(rp);
    int[] whole = m.tokenizer.encodeIds(rp.text() + continuation, rp.addSpecialTokens());
    if (whole.length >= ctx.length && Arrays.equals(ctx, Arrays.copyOf(whole, ctx.length))) {
      return Arrays.copyOfRange(whole, ctx.length, whole.length);
    }
    return ContinuationSplit.of(m.tokenizer, rp.text(), continuation, rp.addSpecialTokens(), prefixTokenId())
        .continuation();
  }

  /** float32 logits at every position of {@code ids} ([i] predicts token i+1). */
  public float[][] logits(int[] ids) { return next.logits(ids); }

  /** Log-softmax (float32 logits, accumulated in double) at every position of {@code ids}: the logprobs CLI. */
  public double[][] logSoftmaxAll(int[] ids) { return next.logSoftmaxAll(ids); }

  /**
   * {@link #logSoftmaxAll} for several sequences in one batched forward pass (left-padded, padding never attended;
   * equal to the one-by-one rows up to float rounding of the batched matmuls): [sequence][position][vocab].
   */
  public List<double[][]> logSoftmaxAllBatch(List<int[]> sequences) { return next.logSoftmaxAllBatch(sequences); }

  /** The token id that stands in for an empty context: the tokenizer's BOS, else its EOS, else config.json's BOS. */
  public int prefixTokenId() { return m.prefixTokenId(); }

  // ---------------------------------------------------------------- generation (see Generator)

  @Override
  public Completion complete(CompletionRequest r) { return generator.complete(r); }

  /**
   * Generation from given prompt ids ({@code r.prompt()} is ignored): for callers that tokenize themselves, e.g. to
   * truncate the middle of a long context. An empty prompt becomes the prefix token; a prompt longer than the window
   * keeps its last tokens and the completion says {@code truncatedPrompt}.
   */
  public Completion complete(int[] promptIds, CompletionRequest r) { return complete(promptIds, r, null); }

  /**
   * {@link #complete(int[], CompletionRequest)} that reports each generated token as it is produced (for streaming);
   * the returned completion is authoritative (a stop string found later cuts text the listener already saw).
   */
  public Completion complete(int[] promptIds, CompletionRequest r, GenerationListener listener) {
    return generator.complete(promptIds, r, listener);
  }

  /** Told of every generated token, on the generating thread, before the next one is computed. */
  @FunctionalInterface
  public interface GenerationListener {
    /**
     * @param textSoFar the decoded text of all tokens generated so far (not yet cut at a stop string)
     * @param token the token with its log-prob and alternatives when the request asked for log-probs, else null
     */
    void onToken(String textSoFar, TokenLogprob token);
  }

  /**
   * Generates for many requests at once and returns one completion per request, in order; each equals what
   * {@link #complete(CompletionRequest)} returns for it alone (the same tokens, greedy or seeded sampling, and per-token
   * logprobs up to float rounding of the batched matmuls, ~1e-6), with its own max tokens, stop strings, logprobs and
   * window. The prompts are left-padded to one length and run as one batch: one forward pass per prefill chunk and
   * one per decode step for all unfinished sequences; a finished sequence is dropped from the batch. Padding is never
   * attended and positions count each sequence's own tokens from 0 (see {@link CausalLM#forwardBatch}).
   *
   * <p>Fallbacks, run one by one through {@link #complete(CompletionRequest)}: requests with a {@link KvSpec} (KV
   * compression works on one sequence's cache; this includes {@code KvSpec.full()}, whose telemetry records the policy),
   * and a batch of one. The caller chooses the batch size (memory grows with batch × longest prompt); prompts of
   * similar lengths waste the least padding. Telemetry: latency and decode time run to the step the sequence finished,
   * prefill time is the batch's, KV bytes are the sequence's own, {@code extra.batch_size} the batch it ran in.
   */
  public List<Completion> completeBatch(List<CompletionRequest> requests) { return generator.completeBatch(requests); }

  /** Batched generation from prompt ids ({@code r.prompt()} is ignored), as {@link #complete(int[], CompletionRequest)}. */
  public List<Completion> completeBatch(List<int[]> promptIds, List<CompletionRequest> requests) {
    return generator.completeBatch(promptIds, requests);
  }

  // ---------------------------------------------------------------- KV compression (see CompressedScoring)

  /**
   * Original positions [layer][kvHead][entry] the cache holds after the prompt of {@code p} (its last token
   * included) went through a compressed prefill under {@code kv} (tests).
   */
  int[][][] cachedPositionsAfterPrefill(Prompt p, KvSpec kv) { return compressed.cachedPositionsAfterPrefill(p, kv); }

  /** The engine's root NDManager (tests count its arrays). */
  NDManager manager() { return m.root; }

  /** A fresh per-sequence manager under the root (tests drive the model directly). */
  NDManager newSequence() { return m.root.newSubManager(); }

  /** The loaded model (tests). */
  dev.harness.engine.local.model.CausalLM model() { return m.model; }

  /** Where the question (protected suffix) of {@code kv} starts in {@link #promptIds}{@code (p)}: see {@link SuffixSplit}. */
  int questionStart(Prompt p, KvSpec kv) {
    RenderedPrompt rp = m.renderer.render(p);
    return m.questionStart(rp, m.ids(rp).length, kv);
  }

  /**
   * Teacher-forced log-likelihood of {@code answer} after {@code prompt} whose KV cache is compressed per {@code kv}
   * (null: uncompressed), under the same protocol as {@link #complete} ({@link KvLayout}): the context is compressed
   * once, then the question (under kvpress) and the answer tokens are fed through the compressed cache at their
   * original positions. The answer is tokenized as a continuation of the rendered prompt text (lm-eval's
   * rule: trailing whitespace of the prompt moves to the answer; answer ids = ids(prompt + answer) after ids(prompt)).
   * The input is cut from the left to the context window. With budget 1.0 it equals {@link #score} of the rendered
   * prompt text and the answer.
   */
  public AnswerLoglik answerLoglik(Prompt prompt, String answer, KvSpec kv) { return compressed.answerLoglik(prompt, answer, kv); }

  // ---------------------------------------------------------------- teacher forcing (see TeacherForcing)

  @Override
  public List<TokenScore> score(String context, String continuation) { return scoring.score(context, continuation); }

  /**
   * Teacher-forced log-probs of {@code continuation} after {@code context} (ids; an empty context becomes the prefix
   * token). The input is cut from the left to the context window, as lm-eval does.
   */
  public List<TokenScore> scoreIds(int[] context, int[] continuation) { return scoring.scoreIds(context, continuation); }

  /** {@link #scoreIds} with the {@code topK} most probable alternatives at each continuation position. */
  public List<TokenLogprob> scoreIdsTop(int[] context, int[] continuation, int topK) {
    return scoring.scoreIdsTop(context, continuation, topK);
  }

  /** {@link #score} of one context with several continuations, the context computed once. */
  public List<List<TokenScore>> scoreShared(String context, List<String> continuations) {
    return scoring.scoreShared(context, continuations);
  }

  /** {@link #scoreShared} on ids. */
  public List<List<TokenScore>> scoreIdsShared(int[] context, List<int[]> continuations) {
    return scoring.scoreIdsShared(context, continuations);
  }

  /** {@link #score} for many unrelated (context, continuation) pairs in one left-padded batch. */
  public List<List<TokenScore>> scoreBatch(List<String> contexts, List<String> continuations) {
    return scoring.scoreBatch(contexts, continuations);
  }

  /** {@link #scoreIds} for many pairs in one left-padded batch (pairs with an empty continuation score to []). */
  public List<List<TokenScore>> scoreIdsBatch(List<int[]> contexts, List<int[]> continuations) {
    return scoring.scoreIdsBatch(contexts, continuations);
  }

  // ---------------------------------------------------------------- next token (see NextTokens)

  @Override
  public NextToken nextToken(Prompt p, int topK) { return next.nextToken(p, topK); }

  /** The device every tensor of this engine lives on. */
  public Device device() { return m.device(); }

  @Override
  public EngineInfo info() {
    ModelConfig c = m.model.config();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("architecture", c.architecture().hfName());
    details.put("device", m.device().toString());
    details.put("libtorch", DeviceChoice.libtorch().label());
    details.put("layers", Integer.toString(c.numLayers()));
    details.put("vocab_size", Integer.toString(c.vocabSize()));
    details.put("max_length", Integer.toString(m.maxLength));
    details.put("quantization", m.options.quantization());
    WeightBytes wb = m.bytes;
    details.put("linear_weight_bytes", Long.toString(wb.linear()));
    details.put("linear_weight_bytes_unquantized", Long.toString(wb.unquantized()));
    LoadedAdapter a = m.adapters.applied(adapter);
    if (a != null) {
      details.put("adapter", a.dir().toString());
      details.put("adapter_name", a.name());
      details.put("lora", a.merged() ? "merged" : "unmerged");
    }
    return new EngineInfo("local", m.dir.toString(), null, m.options.dtype(), m.dir.resolve("tokenizer.json").toString(),
        CAPABILITIES, details);
  }

  /** Closes this view; the loaded base (weights, tokenizer) is released with the last open view. */
  @Override
  public void close() {
    m.lock.lock();
    try {
      if (closed) return;
      closed = true;
      if (m.adapters.closeView()) m.release();
    } finally {
      m.lock.unlock();
    }
  }

  // ---------------------------------------------------------------- internals

  /** Runs {@code work} under the engine lock with this view's adapter active; failures become {@link EngineException}. */
  <T> T locked(Supplier<T> work) {
    m.lock.lock();
    try {
      if (closed || !m.adapters.alive()) throw new EngineException(ErrorKind.ENGINE_ERROR, "local engine " + m.dir + " is closed");
      m.model.activeAdapter().set(adapter);
      return guard(work);
    } finally {
      m.lock.unlock();
    }
  }

  /** Runs {@code work}; a runtime failure or an out-of-memory error becomes an {@link EngineException}. */
  static <T> T guard(Supplier<T> work) {
    try {
      return work.get();
    } catch (EngineException e) {
      throw e;
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new EngineException(ErrorKind.ENGINE_ERROR, null, 1, "local engine: " + e, e);
    }
  }

  // capability adapters (dev.harness.engine): the work is done by the methods above

  @Override
  public int contextWindow() { return maxLength(); }

  @Override
  public List<Completion> completeIds(List<int[]> promptIds, List<CompletionRequest> requests) {
    return completeBatch(promptIds, requests);
  }

  @Override
  public NextToken fullNextToken(Prompt prompt) { return nextToken(prompt, 0); }
}
