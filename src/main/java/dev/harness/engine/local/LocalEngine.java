package dev.harness.engine.local;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.AnswerLoglik;
import dev.harness.engine.BatchGeneration;
import dev.harness.engine.BatchScoring;
import dev.harness.engine.Capability;
import dev.harness.engine.CompressedLoglik;
import dev.harness.engine.FullNextToken;
import dev.harness.engine.IdGeneration;
import dev.harness.engine.IdScoring;
import dev.harness.engine.InProcess;
import dev.harness.engine.SharedPrefixScoring;
import dev.harness.engine.TokenIds;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.Telemetry;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.TopLogprob;
import dev.harness.engine.Usage;
import dev.harness.engine.KvSpec;
import dev.harness.engine.local.kv.BatchKvCache;
import dev.harness.engine.local.kv.KvCache;
import dev.harness.engine.local.kv.KvPolicies;
import dev.harness.engine.local.kv.KvPolicy;
import dev.harness.engine.local.kv.LayerCache;
import dev.harness.engine.local.lora.LoraApplier;
import dev.harness.engine.local.lora.LoraException;
import dev.harness.engine.local.lora.PeftAdapter;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.ModelConfig;
import dev.harness.engine.local.model.Models;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.PromptRenderer;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import dev.harness.engine.local.weights.CheckpointException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The in-process engine: a Hugging Face model directory run by DJL's PyTorch engine. Forward passes are serialised
 * by one lock (one model, few cores); tokenization runs outside it.
 */
public final class LocalEngine implements dev.harness.engine.Engine, TokenIds, BatchGeneration, IdGeneration,
    BatchScoring, IdScoring, SharedPrefixScoring, CompressedLoglik, FullNextToken, InProcess {
  /** Prefill runs in chunks of this many tokens so attention scores stay [heads, CHUNK, len]. */
  static final int PREFILL_CHUNK = 512;
  private static final Set<Capability> CAPABILITIES = Set.of(Capability.COMPLETE, Capability.TOKEN_LOGPROBS,
      Capability.SCORE, Capability.NEXT_TOKEN, Capability.FULL_VOCABULARY, Capability.TOKENIZER, Capability.KV_COMPRESSION);

  private final Path dir;
  private final LocalOptions options;
  private final NDManager root;
  private final CausalLM model;
  private final HfTokenizer tokenizer;
  private final PromptRenderer renderer;
  private final Set<Integer> eosIds;
  private final int maxLength;
  private final ReentrantLock lock;
  /** The loaded base and its adapters, shared by every view ({@link #withAdapter}); closed with the last view. */
  private final Base base;
  /** The adapter this view applies (null: the base model, or the merged adapter when one was merged). */
  private final String adapter;
  private final TeacherForcing scoring = new TeacherForcing(this);
  private boolean closed;

  private LocalEngine(Path dir, LocalOptions options, NDManager root, CausalLM model, HfTokenizer tokenizer,
      Set<Integer> eosIds, int maxLength) {
    this.dir = dir;
    this.options = options;
    this.root = root;
    this.model = model;
    this.tokenizer = tokenizer;
    this.renderer = new PromptRenderer(tokenizer.chatTemplate());
    this.eosIds = eosIds;
    this.maxLength = maxLength;
    this.lock = new ReentrantLock();
    this.base = new Base(WeightBytes.of(model));
    this.adapter = null;
  }

  /** A view of {@code of}'s loaded base that applies {@code adapter}. */
  private LocalEngine(LocalEngine of, String adapter) {
    this.dir = of.dir;
    this.options = of.options;
    this.root = of.root;
    this.model = of.model;
    this.tokenizer = of.tokenizer;
    this.renderer = of.renderer;
    this.eosIds = of.eosIds;
    this.maxLength = of.maxLength;
    this.lock = of.lock;
    this.base = of.base;
    this.adapter = adapter;
  }

  /** State shared by the views of one loaded base (guarded by the engine lock). */
  private static final class Base {
    final WeightBytes bytes;
    final Map<String, LoadedAdapter> adapters = new LinkedHashMap<>();
    LoadedAdapter merged;
    int refs = 1;

    Base(WeightBytes bytes) { this.bytes = bytes; }
  }

  /** An adapter on this base: its name, directory and the bytes of its matrices as held. */
  public record LoadedAdapter(String name, Path dir, long bytes, boolean merged) {}

  /**
   * Opens a model directory (config.json, model.safetensors or a sharded index, tokenizer.json, optional
   * tokenizer_config.json and generation_config.json). Throws {@link CheckpointException} with a one-line message
   * naming the file when the directory cannot be used.
   */
  public static LocalEngine open(Path modelDir, LocalOptions options) {
    LocalOptions opts = options == null ? LocalOptions.defaults() : options;
    Device device = DeviceChoice.resolve(opts.device()); // before any file of the model is read
    ModelConfig cfg = ModelConfig.load(modelDir);
    HfTokenizer tok = HfTokenizer.open(modelDir);
    NDManager root = null;
    try {
      root = NDManager.newBaseManager(device);
      DataType type = opts.computeType().djl();
      CausalLM model = Models.load(modelDir, cfg, root, type, opts.quant());
      settleHeap();
      int window = opts.maxLength() != null ? opts.maxLength() : cfg.maxPositions();
      return new LocalEngine(modelDir, opts, root, model, tok, eosIds(modelDir, cfg, tok), window);
    } catch (RuntimeException e) {
      tok.close();
      if (root != null) root.close();
      throw e;
    }
  }

  /**
   * One full collection after a model load. The weights live off-heap, so the Java heap holds almost nothing, but the
   * JVM starts with a large committed heap (1/64 of RAM) whose young generation the forward passes' per-op garbage
   * (DJL creates a few Java objects per native op) keeps touching: on the bench shape that added ~100 MB of resident
   * memory over a few hundred decode steps. A full GC here drops the load's garbage and lets G1 shrink the committed
   * heap to its live size (MaxHeapFreeRatio), which bounds the young generation for the rest of the run. Costs tens of
   * milliseconds once per load; a no-op under -XX:+DisableExplicitGC.
   */
  private static void settleHeap() {
    System.gc();
  }

  /** generation_config.json's eos_token_id, else config.json's, else the tokenizer's EOS. */
  private static Set<Integer> eosIds(Path dir, ModelConfig cfg, HfTokenizer tok) {
    Set<Integer> ids = new LinkedHashSet<>();
    Path gen = dir.resolve("generation_config.json");
    if (Files.isRegularFile(gen)) {
      try {
        JsonNode eos = new ObjectMapper().readTree(gen.toFile()).get("eos_token_id");
        if (eos != null && eos.isArray()) eos.forEach(n -> ids.add(n.asInt()));
        else if (eos != null && eos.canConvertToInt()) ids.add(eos.asInt());
      } catch (IOException e) {
        throw CheckpointException.of(gen, "not valid JSON");
      }
    }
    if (ids.isEmpty()) ids.addAll(cfg.eosTokenIds());
    if (ids.isEmpty() && tok.specialTokens().eosId() != null) ids.add(tok.specialTokens().eosId());
    return ids;
  }

  // ---------------------------------------------------------------- adapters

  /**
   * Loads a PEFT adapter onto this base, unmerged, under {@code name} (idempotent for the same name and directory),
   * without changing what this view applies; select it with {@link #withAdapter}. Throws {@link CheckpointException}
   * (a {@link LoraException}) naming the adapter file and the module when it does not fit the base.
   */
  public String addAdapter(String name, Path adapterDir) {
    return withLock(() -> {
      Path d = adapterDir.toAbsolutePath().normalize();
      LoadedAdapter old = base.adapters.get(name);
      if (old != null) {
        if (old.dir().equals(d)) return name;
        throw new IllegalArgumentException("adapter name '" + name + "' is already used for " + old.dir());
      }
      if (base.merged != null) {
        throw new LoraException(d + ": cannot add an adapter to a base with a merged adapter (" + base.merged.dir() + ")");
      }
      PeftAdapter a = PeftAdapter.load(d);
      long bytes = LoraApplier.attach(model, name, a);
      base.adapters.put(name, new LoadedAdapter(name, d, bytes, false));
      return name;
    });
  }

  /**
   * Folds a PEFT adapter into the dense weights (W' = W + scaling·B·A): from now on every view of this base runs the
   * merged model. Only on a float (not NF4) base without other adapters.
   */
  public void mergeAdapter(Path adapterDir) {
    withLock(() -> {
      Path d = adapterDir.toAbsolutePath().normalize();
      if (!base.adapters.isEmpty() || base.merged != null) {
        throw new LoraException(d + ": a merged adapter must be the only adapter of its base");
      }
      if (options.quant().nf4()) {
        throw new LoraException(d + ": cannot merge an adapter into NF4 weights; apply it unmerged (as QLoRA does)");
      }
      LoraApplier.merge(model, PeftAdapter.load(d));
      base.merged = new LoadedAdapter(d.getFileName().toString(), d, 0, true);
      return null;
    });
  }

  /**
   * A view of this engine's loaded base that applies adapter {@code name} (null: no adapter) to every call; it shares
   * the weights, the tokenizer and the lock. Each view is closed on its own; the base goes with the last one.
   */
  public LocalEngine withAdapter(String name) {
    return withLock(() -> {
      if (name != null && !base.adapters.containsKey(name)) {
        throw new IllegalArgumentException("no adapter '" + name + "' on this base (loaded: " + base.adapters.keySet() + ")");
      }
      base.refs++;
      return new LocalEngine(this, name);
    });
  }

  /** Whether the shared base is still loaded (some view is open). */
  public boolean alive() {
    lock.lock();
    try {
      return base.refs > 0;
    } finally {
      lock.unlock();
    }
  }

  /** Whether this engine and {@code other} are views of the same loaded weights. */
  public boolean sharesBaseWith(LocalEngine other) { return other != null && base == other.base; }

  /** The adapter this view applies (null: none, or the merged one — see {@link #adapters}). */
  public String adapterName() { return adapter; }

  /** The adapters loaded on this base (a merged one included). */
  public List<LoadedAdapter> adapters() {
    return withLock(() -> {
      List<LoadedAdapter> out = new ArrayList<>(base.adapters.values());
      if (base.merged != null) out.add(base.merged);
      return out;
    });
  }

  /** Bytes of the linear layers as loaded (NF4 or float) and as they would be in the model dtype and in float16. */
  public WeightBytes weightBytes() { return base.bytes; }

  private void alive0() {
    if (base.refs <= 0) throw new IllegalStateException("local engine " + dir + " is closed");
  }

  private <T> T withLock(Supplier<T> work) {
    lock.lock();
    try {
      alive0();
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- helpers other code calls

  public Tokenizer tokenizer() { return tokenizer; }

  public HfTokenizer hfTokenizer() { return tokenizer; }

  public ModelConfig config() { return model.config(); }

  public int vocabSize() { return model.config().vocabSize(); }

  public int maxLength() { return maxLength; }

  /** Token ids of a prompt as complete/nextToken feed them to the model (chat template or plain text). */
  public int[] promptIds(Prompt p) {
    RenderedPrompt rp = renderer.render(p);
    return tokenizer.encodeIds(rp.text(), rp.addSpecialTokens());
  }

  /**
   * The ids of {@code continuation} as this tokenizer splits it after the rendered prompt: the tail of
   * ids(rendered + continuation) beyond {@link #promptIds} when that is a prefix of it, else lm-eval's split
   * ({@link ContinuationSplit}) — for scoring a text after exactly the context generation saw.
   */
  public int[] continuationIds(Prompt p, String continuation) {
    RenderedPrompt rp = renderer.render(p);
    int[] ctx = tokenizer.encodeIds(rp.text(), rp.addSpecialTokens());
    int[] whole = tokenizer.encodeIds(rp.text() + continuation, rp.addSpecialTokens());
    if (whole.length >= ctx.length && Arrays.equals(ctx, Arrays.copyOf(whole, ctx.length))) {
      return Arrays.copyOfRange(whole, ctx.length, whole.length);
    }
    return ContinuationSplit.of(tokenizer, rp.text(), continuation, rp.addSpecialTokens(), prefixTokenId())
        .continuation();
  }

  /** float32 logits at every position of {@code ids} ([i] predicts token i+1). */
  public float[][] logits(int[] ids) {
    return locked(() -> {
      try (NDManager seq = root.newSubManager(); KvCache cache = model.newCache(seq)) {
        return run(seq, ids, cache, 0);
      }
    });
  }

  /** Log-softmax (float32 logits, accumulated in double) at every position of {@code ids}: the logprobs CLI. */
  public double[][] logSoftmaxAll(int[] ids) {
    float[][] l = logits(ids);
    double[][] out = new double[l.length][];
    for (int i = 0; i < l.length; i++) out[i] = LogProbs.logSoftmax(l[i]);
    return out;
  }

  /**
   * {@link #logSoftmaxAll} for several sequences in one batched forward pass (left-padded, padding never attended;
   * equal to the one-by-one rows up to float rounding of the batched matmuls): [sequence][position][vocab].
   */
  public List<double[][]> logSoftmaxAllBatch(List<int[]> sequences) {
    if (sequences.size() <= 1) return sequences.stream().map(this::logSoftmaxAll).toList();
    int width = 0;
    for (int[] s : sequences) {
      if (s.length == 0) throw new IllegalArgumentException("logSoftmaxAllBatch: an empty sequence");
      width = Math.max(width, s.length);
    }
    int w = width;
    float[][][] rows = locked(() -> {
      try (NDManager seq = root.newSubManager(); BatchKvCache cache = model.newBatchCache(seq, sequences.size(), w)) {
        return prefillBatch(seq, cache, sequences, w, 0);
      }
    });
    List<double[][]> out = new ArrayList<>();
    for (int s = 0; s < sequences.size(); s++) {
      int len = sequences.get(s).length;
      double[][] lp = new double[len][];
      for (int p = 0; p < len; p++) lp[p] = LogProbs.logSoftmax(rows[s][w - len + p]);
      out.add(lp);
    }
    return out;
  }

  /** The token id that stands in for an empty context: the tokenizer's BOS, else its EOS, else config.json's BOS. */
  public int prefixTokenId() {
    var s = tokenizer.specialTokens();
    if (s.bosId() != null) return s.bosId();
    if (s.eosId() != null) return s.eosId();
    if (model.config().bosTokenId() != null) return model.config().bosTokenId();
    if (!eosIds.isEmpty()) return eosIds.iterator().next();
    throw new EngineException(ErrorKind.ENGINE_ERROR, dir + ": no BOS or EOS token to score an empty context");
  }

  // ---------------------------------------------------------------- Engine

  @Override
  public Completion complete(CompletionRequest r) {
    long t0 = System.nanoTime();
    RenderedPrompt rp = guard(() -> renderer.render(r.prompt()));
    int[] ids = guard(() -> tokenizer.encodeIds(rp.text(), rp.addSpecialTokens()));
    return complete(ids, questionStart(rp, ids.length, r.kv()), r, t0);
  }

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
    if (r.kv() != null && r.kv().protectedSuffix() != null && !r.kv().protectedSuffix().isBlank()) {
      throw new IllegalArgumentException("complete(ids, request) cannot place a protected suffix (the question) in ids: "
          + "give the prompt text through complete(request)");
    }
    return complete(promptIds, promptIds.length, r, System.nanoTime(), listener);
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

  private Completion complete(int[] promptIds, int questionStart, CompletionRequest r, long t0) {
    return complete(promptIds, questionStart, r, t0, null);
  }

  private Completion complete(int[] promptIds, int questionStart, CompletionRequest r, long t0, GenerationListener listener) {
    KvPolicy policy = r.kv() == null ? null : KvPolicies.of(r.kv().policy(), r.kv().params());
    Fitted f = fit(promptIds);
    int[] prompt = f.ids();
    boolean cut = f.truncated();
    int dropped = promptIds.length == 0 ? -1 : promptIds.length - prompt.length;
    KvLayout layout = policy == null ? null : KvLayout.of(r.kv(), prompt.length, questionStart - dropped);
    return locked(() -> generate(r, prompt, t0, cut, policy, layout, listener));
  }

  /**
   * Where the question (the request's protected suffix) starts in the ids of {@code rp}: by token boundaries
   * ({@link SuffixSplit}); {@code length} when the request has no KV spec or no suffix.
   */
  private int questionStart(RenderedPrompt rp, int length, KvSpec kv) {
    if (kv == null || kv.protectedSuffix() == null || kv.protectedSuffix().isBlank()) return length;
    return SuffixSplit.at(tokenizer, rp, kv.protectedSuffix());
  }

  /** Prompt ids as generation feeds them: an empty prompt becomes the prefix token; cut from the left to the window. */
  private record Fitted(int[] ids, boolean truncated) {}

  private Fitted fit(int[] promptIds) {
    int[] ids = promptIds.length == 0 ? new int[] {prefixTokenId()} : promptIds;
    int room = Math.max(1, maxLength - 1);
    if (ids.length > room) return new Fitted(Arrays.copyOfRange(ids, ids.length - room, ids.length), true);
    return new Fitted(ids, false);
  }

  private Completion generate(CompletionRequest r, int[] prompt, long t0, boolean truncatedPrompt, KvPolicy policy, KvLayout layout,
      GenerationListener listener) {
    double prefillMs;
    long tDecode;
    Long fullBytes;
    Long keptBytes;
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("device", root.getDevice().toString());
    extra.put("dtype", options.dtype());
    if (!options.quant().equals(dev.harness.engine.local.quant.Quantization.NONE)) extra.put("quantization", options.quantization());
    if (adapter != null) extra.put("adapter", adapter);
    Generation g = new Generation(r, prompt);
    g.listener = listener;
    try (NDManager seq = root.newSubManager(); KvCache cache = model.newCache(seq)) {
      KvOutcome kv = policy == null ? null : new KvOutcome();
      float[] logits = policy == null ? run(seq, prompt, cache, prompt.length - 1)[0]
          : prefillCompressed(seq, cache, prompt, layout, prompt.length - 1, r.kv(), policy, kv)[0];
      tDecode = System.nanoTime();
      prefillMs = (tDecode - t0) / 1e6;
      int next;
      while ((next = g.accept(logits, cache.nextPosition())) >= 0) logits = run(seq, new int[] {next}, cache, 0)[0];
      if (kv == null) {
        fullBytes = cache.fullBytes();
        keptBytes = cache.bytes();
      } else {
        fullBytes = kv.fullBytes;
        keptBytes = kv.keptBytes;
        extra.putAll(kv.extra);
        extra.put("kv_final_bytes", cache.bytes());
      }
    }
    long tEnd = System.nanoTime();
    Telemetry tel = new Telemetry((tEnd - t0) / 1e6, prefillMs, null, 1, prefillMs, (tEnd - tDecode) / 1e6,
        fullBytes, keptBytes, PeakMemory.peakRssBytes(), extra);
    return new Completion(g.text, g.finish, g.tokens, new Usage(prompt.length, g.gen.size()), tel, truncatedPrompt);
  }

  /**
   * One sequence's generation bookkeeping, shared by {@link #complete} and {@link #completeBatch}: sampling with the
   * request's own generator, EOS, the decoded text, stop strings (the text and the logprobs are cut at the earliest
   * stop), max tokens and the context window.
   */
  private final class Generation {
    final CompletionRequest r;
    final Random rng;
    final int anchor;
    final List<Integer> gen = new ArrayList<>();
    final List<Integer> tokenEnds = new ArrayList<>();
    GenerationListener listener;
    List<TokenLogprob> tokens = new ArrayList<>();
    String text = "";
    String finish = "length";

    final int[] prompt;

    Generation(CompletionRequest r, int[] prompt) {
      this.r = r;
      this.prompt = prompt;
      this.rng = r.seed() != null ? new Random(r.seed()) : new Random();
      this.anchor = prompt[prompt.length - 1];
    }

    /**
     * Takes the logits after the last token fed ({@code nextPosition} tokens fed so far) and returns the token to feed
     * next, or −1 when the generation is over (EOS, a stop string, max tokens or the end of the window).
     */
    int accept(float[] logits, int nextPosition) {
      int next = TokenSampler.next(r.adjust().isNone() ? logits : r.adjust().apply(logits, prompt, gen), r.temperature(), r.topP(), rng);
      if (eosIds.contains(next)) {
        finish = "stop";
        return -1;
      }
      gen.add(next);
      String now = textOf(anchor, gen);
      String piece = now.startsWith(text) ? now.substring(text.length()) : tokenizer.piece(-1, next);
      text = now;
      tokenEnds.add(text.length());
      if (r.logprobs()) tokens.add(tokenLogprob(logits, next, piece, r.topLogprobs(), gen.size() > 1 ? gen.get(gen.size() - 2) : anchor));
      if (listener != null) listener.onToken(text, r.logprobs() ? tokens.get(tokens.size() - 1) : null);
      int cut = stopAt(text, r.stop());
      if (cut >= 0) {
        text = text.substring(0, cut);
        int keep = 0;
        while (keep < tokenEnds.size() && (keep == 0 ? 0 : tokenEnds.get(keep - 1)) < cut) keep++;
        if (tokens.size() > keep) tokens = new ArrayList<>(tokens.subList(0, keep));
        finish = "stop";
        return -1;
      }
      if (gen.size() >= r.maxTokens() || nextPosition >= maxLength) return -1;
      return next;
    }
  }

  // ---------------------------------------------------------------- batch of prompts

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
  public List<Completion> completeBatch(List<CompletionRequest> requests) {
    long t0 = System.nanoTime();
    Completion[] out = new Completion[requests.size()];
    List<Integer> batched = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).kv() == null) batched.add(i);
    }
    if (batched.size() > 1) {
      List<CompletionRequest> rs = new ArrayList<>();
      List<Fitted> prompts = new ArrayList<>();
      for (int i : batched) {
        CompletionRequest r = requests.get(i);
        rs.add(r);
        prompts.add(fit(guard(() -> promptIds(r.prompt()))));
      }
      List<Completion> done = locked(() -> generateBatch(rs, prompts, t0));
      for (int j = 0; j < batched.size(); j++) out[batched.get(j)] = done.get(j);
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) out[i] = complete(requests.get(i));
    }
    return List.of(out);
  }

  /** Batched generation from prompt ids ({@code r.prompt()} is ignored), as {@link #complete(int[], CompletionRequest)}. */
  public List<Completion> completeBatch(List<int[]> promptIds, List<CompletionRequest> requests) {
    if (promptIds.size() != requests.size()) throw new IllegalArgumentException(promptIds.size() + " prompts for " + requests.size() + " requests");
    long t0 = System.nanoTime();
    List<Fitted> prompts = new ArrayList<>();
    for (int[] p : promptIds) prompts.add(fit(p));
    for (CompletionRequest r : requests) {
      if (r.kv() != null) throw new IllegalArgumentException("completeBatch with prompt ids takes no KvSpec; use complete(ids, request)");
    }
    if (requests.isEmpty()) return List.of();
    return locked(() -> generateBatch(requests, prompts, t0));
  }

  private List<Completion> generateBatch(List<CompletionRequest> rs, List<Fitted> prompts, long t0) {
    int n = rs.size();
    Generation[] gens = new Generation[n];
    int width = 0;
    int longest = 0;
    for (int s = 0; s < n; s++) {
      gens[s] = new Generation(rs.get(s), prompts.get(s).ids());
      width = Math.max(width, prompts.get(s).ids().length);
      longest = Math.max(longest, rs.get(s).maxTokens());
    }
    long[] tEnd = new long[n];
    long[] kvBytes = new long[n];
    long tDecode;
    try (NDManager seq = root.newSubManager();
        BatchKvCache cache = model.newBatchCache(seq, n, width + Math.min(longest, Math.max(1, maxLength - width)))) {
      float[][][] prefilled = prefillBatch(seq, cache, prompts.stream().map(Fitted::ids).toList(), width, width - 1);
      float[][] logits = new float[n][];
      for (int s = 0; s < n; s++) logits[s] = prefilled[s][0];
      tDecode = System.nanoTime();
      int[] rows = new int[n]; // rows[r] = the request in row r of the cache
      for (int s = 0; s < n; s++) rows[s] = s;
      while (true) {
        int[] keep = new int[rows.length];
        int[] feed = new int[rows.length];
        int kept = 0;
        for (int r = 0; r < rows.length; r++) {
          int next = gens[rows[r]].accept(logits[r], cache.nextPosition(r));
          if (next >= 0) {
            keep[kept] = r;
            feed[kept++] = next;
          } else {
            tEnd[rows[r]] = System.nanoTime();
            kvBytes[rows[r]] = cache.sequenceBytes(r);
          }
        }
        if (kept == 0) break;
        if (kept < rows.length) {
          keep = Arrays.copyOf(keep, kept);
          cache.keep(keep);
          int[] nr = new int[kept];
          for (int j = 0; j < kept; j++) nr[j] = rows[keep[j]];
          rows = nr;
        }
        int[][] ids = new int[kept][];
        boolean[][] real = new boolean[kept][];
        for (int j = 0; j < kept; j++) {
          ids[j] = new int[] {feed[j]};
          real[j] = new boolean[] {true};
        }
        logits = runBatch(seq, cache, ids, real, 0);
      }
    }
    double prefillMs = (tDecode - t0) / 1e6;
    List<Completion> out = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      Generation g = gens[s];
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("device", root.getDevice().toString());
      extra.put("dtype", options.dtype());
      extra.put("batch_size", n);
      Telemetry tel = new Telemetry((tEnd[s] - t0) / 1e6, prefillMs, null, 1, prefillMs, (tEnd[s] - tDecode) / 1e6,
          kvBytes[s], kvBytes[s], PeakMemory.peakRssBytes(), extra);
      out.add(new Completion(g.text, g.finish, g.tokens, new Usage(prompts.get(s).ids().length, g.gen.size()), tel,
          prompts.get(s).truncated()));
    }
    return out;
  }

  /**
   * Prefills left-padded sequences (padding: token 0, marked as not real) to {@code width} in column chunks of
   * PREFILL_CHUNK / batch, so the attention scores stay as large as a single sequence's; returns each sequence's
   * logits for columns {@code from..width-1} ([sequence][column − from]). Generation asks for the last column only;
   * teacher forcing for the continuation's columns.
   */
  float[][][] prefillBatch(NDManager seq, BatchKvCache cache, List<int[]> inputs, int width, int from) {
    int n = inputs.size();
    int[][] ids = new int[n][width];
    boolean[][] real = new boolean[n][width];
    for (int s = 0; s < n; s++) {
      int[] p = inputs.get(s);
      System.arraycopy(p, 0, ids[s], width - p.length, p.length);
      Arrays.fill(real[s], width - p.length, width, true);
    }
    float[][][] rows = new float[n][width - from][];
    int chunk = Math.max(16, PREFILL_CHUNK / n);
    for (int c = 0; c < width; c += chunk) {
      int e = Math.min(width, c + chunk);
      int[][] ci = new int[n][];
      boolean[][] cr = new boolean[n][];
      for (int s = 0; s < n; s++) {
        ci[s] = Arrays.copyOfRange(ids[s], c, e);
        cr[s] = Arrays.copyOfRange(real[s], c, e);
      }
      int f = Math.min(Math.max(0, from - c), e - c);
      float[][] l = runBatch(seq, cache, ci, cr, f);
      int per = e - c - f;
      for (int s = 0; s < n; s++) {
        for (int k = 0; k < per; k++) rows[s][c + f + k - from] = l[s * per + k];
      }
    }
    return rows;
  }

  /** One batched forward step; returns rows [batch × (T − logitsFrom)] of float32 logits, sequence-major. */
  private float[][] runBatch(NDManager seq, BatchKvCache cache, int[][] ids, boolean[][] real, int logitsFrom) {
    try (NDManager step = seq.newSubManager()) {
      NDArray l = model.forwardBatch(step, ids, real, cache, logitsFrom);
      int rows = (int) (l.getShape().get(0) * l.getShape().get(1));
      if (rows == 0) return new float[0][];
      float[] flat = l.toFloatArray();
      int v = flat.length / rows;
      float[][] out = new float[rows][];
      for (int i = 0; i < rows; i++) out[i] = Arrays.copyOfRange(flat, i * v, (i + 1) * v);
      return out;
    }
  }

  // ---------------------------------------------------------------- KV compression

  /** Prefill with compression (see {@link CompressedPrefill#run}), through this engine's forward pass. */
  float[][] prefillCompressed(NDManager seq, KvCache cache, int[] ids, KvLayout layout, int logitsFrom, KvSpec spec,
      KvPolicy policy, KvOutcome out) {
    return new CompressedPrefill(this::run, model.config().numHeads())
        .run(seq, cache, ids, layout.contextEnd(), layout.scoredEnd(), logitsFrom, spec, policy, out);
  }

  /**
   * Original positions [layer][kvHead][entry] the cache holds after the prompt of {@code p} (its last token
   * included) went through a compressed prefill under {@code kv} (tests).
   */
  int[][][] cachedPositionsAfterPrefill(Prompt p, KvSpec kv) {
    KvPolicy policy = KvPolicies.of(kv.policy(), kv.params());
    RenderedPrompt rp = renderer.render(p);
    int[] ids = tokenizer.encodeIds(rp.text(), rp.addSpecialTokens());
    KvLayout layout = KvLayout.of(kv, ids.length, questionStart(rp, ids.length, kv));
    return locked(() -> {
      try (NDManager seq = root.newSubManager(); KvCache cache = model.newCache(seq)) {
        prefillCompressed(seq, cache, ids, layout, ids.length - 1, kv, policy, new KvOutcome());
        int[][][] out = new int[cache.numLayers()][][];
        for (int l = 0; l < out.length; l++) {
          LayerCache lc = cache.layer(l);
          out[l] = new int[lc.kvHeads()][];
          for (int h = 0; h < lc.kvHeads(); h++) out[l][h] = lc.positions(h);
        }
        return out;
      }
    });
  }

  /** The engine's root NDManager (tests count its arrays). */
  NDManager manager() { return root; }

  /** Where the question (protected suffix) of {@code kv} starts in {@link #promptIds}{@code (p)}: see {@link SuffixSplit}. */
  int questionStart(Prompt p, KvSpec kv) {
    RenderedPrompt rp = renderer.render(p);
    return questionStart(rp, tokenizer.encodeIds(rp.text(), rp.addSpecialTokens()).length, kv);
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
  public AnswerLoglik answerLoglik(Prompt prompt, String answer, KvSpec kv) {
    long t0 = System.nanoTime();
    KvPolicy policy = kv == null ? null : KvPolicies.of(kv.policy(), kv.params());
    RenderedPrompt rp = renderer.render(prompt);
    ContinuationSplit answerSplit = ContinuationSplit.of(tokenizer, rp.text(), answer, rp.addSpecialTokens(), prefixTokenId());
    int[] ctxIds = answerSplit.context();
    int[] contIds = answerSplit.continuation();
    if (contIds.length == 0) throw new IllegalArgumentException("answer_loglik: the answer has no tokens");
    if (contIds.length >= maxLength) throw new IllegalArgumentException("answer_loglik: the answer (" + contIds.length + " tokens) does not fit the window " + maxLength);
    boolean truncated = false;
    int room = maxLength + 1 - contIds.length;
    if (ctxIds.length > room) {
      ctxIds = Arrays.copyOfRange(ctxIds, ctxIds.length - room, ctxIds.length);
      truncated = true;
    }
    int[] input = new int[ctxIds.length + contIds.length - 1];
    System.arraycopy(ctxIds, 0, input, 0, ctxIds.length);
    System.arraycopy(contIds, 0, input, ctxIds.length, contIds.length - 1);
    int dropped = answerSplit.context().length - ctxIds.length;
    KvLayout layout = policy == null ? null : KvLayout.of(kv, ctxIds.length,
        questionStart(new RenderedPrompt(ContinuationSplit.contextText(rp.text()), rp.addSpecialTokens()),
            answerSplit.context().length, kv) - dropped);
    int[] ctxFinal = ctxIds;
    int[] contFinal = contIds;
    KvOutcome out = policy == null ? null : new KvOutcome();
    float[][] logits = locked(() -> {
      try (NDManager seq = root.newSubManager(); KvCache cache = model.newCache(seq)) {
        return policy == null ? run(seq, input, cache, ctxFinal.length - 1)
            : prefillCompressed(seq, cache, input, layout, ctxFinal.length - 1, kv, policy, out);
      }
    });
    List<TokenScore> scores = new ArrayList<>();
    double sum = 0;
    for (int j = 0; j < contFinal.length; j++) {
      double[] lp = LogProbs.logSoftmax(logits[j]);
      int id = contFinal[j];
      int prev = j == 0 ? ctxFinal[ctxFinal.length - 1] : contFinal[j - 1];
      scores.add(new TokenScore(tokenizer.piece(prev, id), id, lp[id], LogProbs.argMax(logits[j]) == id));
      sum += lp[id];
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("device", root.getDevice().toString());
    extra.put("dtype", options.dtype());
    if (out != null) extra.putAll(out.extra);
    Telemetry tel = new Telemetry(ms, null, null, 1, ms, null, out == null ? null : out.fullBytes,
        out == null ? null : out.keptBytes, PeakMemory.peakRssBytes(), extra);
    return new AnswerLoglik(sum, contFinal.length, sum / contFinal.length, scores, ctxFinal.length, truncated, tel);
  }

  TokenLogprob tokenLogprob(float[] logits, int id, String piece, int topK, int prevId) {
    double[] lp = LogProbs.logSoftmax(logits);
    List<TopLogprob> top = new ArrayList<>();
    if (topK > 0) {
      for (int t : LogProbs.topK(lp, topK)) top.add(new TopLogprob(tokenizer.piece(prevId, t), t, lp[t]));
    }
    return new TokenLogprob(piece, id, lp[id], null, top);
  }

  /** Text of the generated ids, decoded after the prompt's last token so a leading space survives. */
  private String textOf(int anchor, List<Integer> gen) {
    int[] withAnchor = new int[gen.size() + 1];
    withAnchor[0] = anchor;
    for (int i = 0; i < gen.size(); i++) withAnchor[i + 1] = gen.get(i);
    String pre = tokenizer.decode(new int[] {anchor}, false);
    String all = tokenizer.decode(withAnchor, false);
    if (all.startsWith(pre)) return all.substring(pre.length());
    return tokenizer.decode(Arrays.copyOfRange(withAnchor, 1, withAnchor.length), false);
  }

  static int stopAt(String text, List<String> stops) {
    int best = -1;
    for (String s : stops) {
      if (s == null || s.isEmpty()) continue;
      int at = text.indexOf(s);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }

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

  @Override
  public NextToken nextToken(Prompt p, int topK) {
    int[] ids = guard(() -> promptIds(p));
    if (ids.length == 0) ids = new int[] {prefixTokenId()};
    if (ids.length > maxLength) ids = Arrays.copyOfRange(ids, ids.length - maxLength, ids.length);
    int[] in = ids;
    float[] logits = locked(() -> {
      try (NDManager seq = root.newSubManager(); KvCache cache = model.newCache(seq)) {
        return run(seq, in, cache, in.length - 1)[0];
      }
    });
    double[] lp = LogProbs.logSoftmax(logits);
    int[] top = LogProbs.topK(lp, topK);
    List<TopLogprob> list = new ArrayList<>(top.length);
    double mass = 0;
    int prev = in[in.length - 1];
    boolean full = top.length == lp.length;
    String[] pieces = full ? tokenizer.pieces(prev, lp.length) : null;
    for (int id : top) {
      list.add(new TopLogprob(full ? pieces[id] : tokenizer.piece(prev, id), id, lp[id]));
      mass += Math.exp(lp[id]);
    }
    return new NextToken(list, full ? 0.0 : Math.max(0.0, 1.0 - mass), lp.length, full);
  }

  /** The device every tensor of this engine lives on. */
  public Device device() { return root.getDevice(); }

  @Override
  public EngineInfo info() {
    ModelConfig c = model.config();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("architecture", c.architecture().hfName());
    details.put("device", root.getDevice().toString());
    details.put("libtorch", DeviceChoice.libtorch().label());
    details.put("layers", Integer.toString(c.numLayers()));
    details.put("vocab_size", Integer.toString(c.vocabSize()));
    details.put("max_length", Integer.toString(maxLength));
    details.put("quantization", options.quantization());
    WeightBytes wb = base.bytes;
    details.put("linear_weight_bytes", Long.toString(wb.linear()));
    details.put("linear_weight_bytes_unquantized", Long.toString(wb.unquantized()));
    LoadedAdapter a = adapter != null ? base.adapters.get(adapter) : base.merged;
    if (a != null) {
      details.put("adapter", a.dir().toString());
      details.put("adapter_name", a.name());
      details.put("lora", a.merged() ? "merged" : "unmerged");
    }
    return new EngineInfo("local", dir.toString(), null, options.dtype(), dir.resolve("tokenizer.json").toString(), CAPABILITIES, details);
  }

  /** Closes this view; the loaded base (weights, tokenizer) is released with the last open view. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      if (--base.refs > 0) return;
      model.close();
      tokenizer.close();
      root.close();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- internals

  /** Runs ids through the model in prefill chunks; returns logits rows for positions from {@code logitsFrom} on. */
  float[][] run(NDManager seq, int[] ids, KvCache cache, int logitsFrom) {
    float[][] out = new float[Math.max(0, ids.length - logitsFrom)][];
    int row = 0;
    for (int s = 0; s < ids.length; s += PREFILL_CHUNK) {
      int e = Math.min(ids.length, s + PREFILL_CHUNK);
      int from = Math.max(0, logitsFrom - s);
      try (NDManager step = seq.newSubManager()) {
        NDArray l = model.forward(step, Arrays.copyOfRange(ids, s, e), cache, from);
        int rows = (int) l.getShape().get(0);
        if (rows == 0) continue;
        // Read the rows straight out of the tensor's memory (a direct buffer over it, no copy): toFloatArray would
        // make two more heap copies of every step's [rows, vocab] logits, which over a long decode is most of the
        // Java garbage and grows the heap's resident size.
        FloatBuffer flat = l.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int v = flat.remaining() / rows;
        for (int i = 0; i < rows; i++) {
          out[row] = new float[v];
          flat.get(out[row++]);
        }
      }
    }
    return out;
  }

  /** A sub-manager of the engine's root for one sequence's arrays (close it when done). */
  NDManager newSequence() { return root.newSubManager(); }

  CausalLM model() { return model; }

  /** Runs {@code work} under the engine lock with this view's adapter active; failures become {@link EngineException}. */
  <T> T locked(Supplier<T> work) {
    lock.lock();
    try {
      if (closed || base.refs <= 0) throw new EngineException(ErrorKind.ENGINE_ERROR, "local engine " + dir + " is closed");
      model.activeAdapter().set(adapter);
      return guard(work);
    } finally {
      lock.unlock();
    }
  }

  private static <T> T guard(Supplier<T> work) {
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
