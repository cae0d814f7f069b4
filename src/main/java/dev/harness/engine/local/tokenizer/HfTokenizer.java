package dev.harness.engine.local.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.local.weights.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's tokenizer.json through DJL's Hugging Face tokenizers, with truncation and padding off and special tokens
 * only where asked for. Also knows the BOS/EOS tokens from tokenizer_config.json and the chat template.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  private final HuggingFaceTokenizer tok;
  private final SpecialTokens special;
  private final ChatTemplate chatTemplate;
  private final Path dir;
  /** {@link #pieces} per (previous id, count): the few most recent, since a study asks after the same prefill often. */
  private final Map<Long, String[]> recentPieces = new java.util.LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String[]> eldest) { return size() > 4; }
  };

  private HfTokenizer(HuggingFaceTokenizer tok, SpecialTokens special, ChatTemplate chatTemplate, Path dir) {
    this.tok = tok;
    this.special = special;
    this.chatTemplate = chatTemplate;
    this.dir = dir;
  }

  public static HfTokenizer open(Path dir) {
    Path file = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) throw CheckpointException.of(dir, "no tokenizer.json (needed by the local engine)");
    HuggingFaceTokenizer tok;
    try {
      tok = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).optTruncation(false)
          .optPadding(false).optWithOverflowingTokens(false).build();
    } catch (IOException | RuntimeException e) {
      throw CheckpointException.of(file, "cannot load (" + e.getMessage() + ")");
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode cfg = null;
    Path cfgFile = dir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(cfgFile)) {
      try {
        cfg = json.readTree(cfgFile.toFile());
      } catch (IOException e) {
        tok.close();
        throw CheckpointException.of(cfgFile, "not valid JSON");
      }
    }
    Map<String, Integer> ids = tokenIds(json, file);
    String bos = cfg == null ? null : SpecialTokens.tokenText(cfg.get("bos_token"));
    String eos = cfg == null ? null : SpecialTokens.tokenText(cfg.get("eos_token"));
    SpecialTokens special = new SpecialTokens(bos, bos == null ? null : ids.get(bos), eos, eos == null ? null : ids.get(eos));
    ChatTemplate template = cfg == null ? null : ChatTemplate.fromConfig(cfg, cfgFile, special);
    return new HfTokenizer(tok, special, template, dir);
  }

  /** Added tokens and the model vocabulary (when it is a map) from tokenizer.json. */
  private static Map<String, Integer> tokenIds(ObjectMapper json, Path file) {
    Map<String, Integer> ids = new HashMap<>();
    try {
      JsonNode root = json.readTree(file.toFile());
      JsonNode vocab = root.path("model").path("vocab");
      if (vocab.isObject()) vocab.fields().forEachRemaining(f -> ids.put(f.getKey(), f.getValue().asInt()));
      for (JsonNode t : root.path("added_tokens")) ids.put(t.path("content").asText(), t.path("id").asInt());
    } catch (IOException e) {
      throw CheckpointException.of(file, "not valid JSON");
    }
    return ids;
  }

  public int[] encodeIds(String text, boolean addSpecialTokens) {
    long[] ids = tok.encode(text, addSpecialTokens, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
    return out;
  }

  /**
   * Where each token of {@code encodeIds(text, addSpecialTokens)} ends in {@code text}, in code points (the
   * tokenizer's own character offsets), or −1 for a token with no span in the text (one added by the post-processor,
   * such as a BOS).
   */
  public int[] tokenEnds(String text, boolean addSpecialTokens) {
    var enc = tok.encode(text, addSpecialTokens, false);
    var spans = enc.getCharTokenSpans();
    int[] out = new int[enc.getIds().length];
    for (int i = 0; i < out.length; i++) {
      var sp = spans == null || i >= spans.length ? null : spans[i];
      boolean empty = sp == null || sp.getEnd() <= sp.getStart();
      out[i] = empty ? -1 : sp.getEnd();
    }
    return out;
  }

  @Override
  public List<Integer> encode(String text, boolean addSpecialTokens) {
    List<Integer> out = new ArrayList<>();
    for (int id : encodeIds(text, addSpecialTokens)) out.add(id);
    return out;
  }

  @Override
  public String decode(List<Integer> ids) {
    long[] l = new long[ids.size()];
    for (int i = 0; i < l.length; i++) l[i] = ids.get(i);
    return tok.decode(l, false);
  }

  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < l.length; i++) l[i] = ids[i];
    return tok.decode(l, skipSpecialTokens);
  }

  /**
   * The text token {@code id} adds after token {@code prevId} (-1: at the start), so that SentencePiece's leading
   * space survives: decode(prev, id) minus decode(prev) when the latter is a prefix, else decode(id).
   */
  public String piece(int prevId, int id) {
    if (prevId >= 0) {
      String before = decode(new int[] {prevId}, false);
      String both = decode(new int[] {prevId, id}, false);
      if (both.startsWith(before)) return both.substring(before.length());
    }
    return decode(new int[] {id}, false);
  }

  /**
   * {@link #piece}{@code (prevId, id)} for every id in {@code 0..count-1} (a full next-token distribution's texts),
   * remembered for the last few {@code prevId}s: the prefix is decoded once, not once per id, and a study that reads
   * the distribution after the same prefill item after item decodes the vocabulary once. Callers must not modify it.
   */
  public String[] pieces(int prevId, int count) {
    long key = ((long) prevId << 32) | (count & 0xffffffffL);
    synchronized (recentPieces) {
      String[] cached = recentPieces.get(key);
      if (cached != null) return cached;
    }
    String before = prevId >= 0 ? decode(new int[] {prevId}, false) : null;
    String[] out = new String[count];
    for (int id = 0; id < count; id++) {
      String both = before == null ? null : decode(new int[] {prevId, id}, false);
      out[id] = both != null && both.startsWith(before) ? both.substring(before.length()) : decode(new int[] {id}, false);
    }
    synchronized (recentPieces) {
      recentPieces.put(key, out);
    }
    return out;
  }

  public SpecialTokens specialTokens() { return special; }

  /** The chat template of tokenizer_config.json, or null when there is none. */
  public ChatTemplate chatTemplate() { return chatTemplate; }

  public Path dir() { return dir; }

  @Override
  public void close() { tok.close(); }
}
