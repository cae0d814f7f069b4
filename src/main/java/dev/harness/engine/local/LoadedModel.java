package dev.harness.engine.local;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.EngineException;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.model.CausalLM;
import dev.harness.engine.local.model.ModelConfig;
import dev.harness.engine.local.model.Models;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.PromptRenderer;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import dev.harness.engine.local.weights.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Loading and device: one model directory opened on the device {@link DeviceChoice} picks, with the weights in the
 * compute dtype (NF4 where asked), the tokenizer and its prompt renderer, the EOS ids, the context window, the adapters
 * on it ({@link AdapterViews}) and the one lock that serialises every forward pass of its views (one model, few cores).
 * Shared by every adapter view of the base ({@link LocalEngine#withAdapter}); released with the last one.
 */
final class LoadedModel {
  final Path dir;
  final LocalOptions options;
  final NDManager root;
  final CausalLM model;
  final HfTokenizer tokenizer;
  final PromptRenderer renderer;
  final Set<Integer> eosIds;
  final int maxLength;
  final ReentrantLock lock = new ReentrantLock();
  final WeightBytes bytes;
  final AdapterViews adapters;
  final ChunkedForward forward;

  private LoadedModel(Path dir, LocalOptions options, NDManager root, CausalLM model, HfTokenizer tokenizer,
      Set<Integer> eosIds, int maxLength) {
    this.dir = dir;
    this.options = options;
    this.root = root;
    this.model = model;
    this.tokenizer = tokenizer;
    this.renderer = new PromptRenderer(tokenizer.chatTemplate());
    this.eosIds = eosIds;
    this.maxLength = maxLength;
    this.bytes = WeightBytes.of(model);
    this.adapters = new AdapterViews(model, options.quant().nf4());
    this.forward = new ChunkedForward(model);
  }

  /** See {@link LocalEngine#open}. */
  static LoadedModel open(Path modelDir, LocalOptions options) {
    LocalOptions opts = options == null ? LocalOptions.defaults() : options;
    Device device = DeviceChoice.resolve(opts.device()); // before any file of the model is read
    if (Device.Type.CPU.equals(device.getDeviceType())) NativeHeap.apply(); // before the weights' allocations
    ModelConfig cfg = ModelConfig.load(modelDir);
    HfTokenizer tok = HfTokenizer.open(modelDir);
    NDManager root = null;
    try {
      root = NDManager.newBaseManager(device);
      DataType type = opts.computeType().djl();
      CausalLM model = Models.load(modelDir, cfg, root, type, opts.quant());
      settleHeap();
      int window = opts.maxLength() != null ? opts.maxLength() : cfg.maxPositions();
      return new LoadedModel(modelDir, opts, root, model, tok, eosIds(modelDir, cfg, tok), window);
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

  /** The token id that stands in for an empty context: the tokenizer's BOS, else its EOS, else config.json's BOS. */
  int prefixTokenId() {
    var s = tokenizer.specialTokens();
    if (s.bosId() != null) return s.bosId();
    if (s.eosId() != null) return s.eosId();
    if (model.config().bosTokenId() != null) return model.config().bosTokenId();
    if (!eosIds.isEmpty()) return eosIds.iterator().next();
    throw new EngineException(ErrorKind.ENGINE_ERROR, dir + ": no BOS or EOS token to score an empty context");
  }

  /** The ids of a rendered prompt (chat template or plain text). */
  int[] ids(RenderedPrompt rp) { return tokenizer.encodeIds(rp.text(), rp.addSpecialTokens()); }

  /** Token ids of a prompt as generation and next-token feed them to the model. */
  int[] promptIds(Prompt p) { return ids(renderer.render(p)); }

  /**
   * Where the question (the request's protected suffix) starts in the ids of {@code rp}: by token boundaries
   * ({@link SuffixSplit}); {@code length} when there is no KV spec or no suffix.
   */
  int questionStart(RenderedPrompt rp, int length, KvSpec kv) {
    if (kv == null || kv.protectedSuffix() == null || kv.protectedSuffix().isBlank()) return length;
    return SuffixSplit.at(tokenizer, rp, kv.protectedSuffix());
  }

  /** The device every tensor of this model lives on. */
  Device device() { return root.getDevice(); }

  /** Frees the weights, the tokenizer and every array under the root manager (the last view's close). */
  void release() {
    model.close();
    tokenizer.close();
    root.close();
  }
}
