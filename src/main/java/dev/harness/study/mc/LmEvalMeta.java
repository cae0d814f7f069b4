package dev.harness.study.mc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.study.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The metadata lm-evaluation-harness v0.4.9.2 (commit ad3f4d0) puts into {@code results_*.json}, computed the way it
 * computes it:
 * <ul>
 *   <li>{@link #modelName}: {@code GeneralConfigTracker._get_model_name} (lm_eval/loggers/evaluation_tracker.py): the
 *       value after the first of {@code peft=}, {@code delta=}, {@code pretrained=}, {@code model=}, {@code path=},
 *       {@code engine=} found in {@code model_args}, up to the next comma; "" when none.
 *   <li>{@link #sanitizeModelName}: {@code sanitize_model_name} (lm_eval/utils.py):
 *       {@code re.sub(r"[\"<>:/\|\\?\*\[\]]+", "__", model_name)}.
 *   <li>{@link #taskHash}: {@code EvaluationTracker.save_results_aggregated}: {@code hash_string} (sha256 hex) of the
 *       concatenated {@code doc_hash + prompt_hash + target_hash} of the task's samples, in order.
 *   <li>{@link #modelInfo}: {@code HFLM.get_model_info} (lm_eval/models/huggingface.py) and {@code add_tokenizer_info}
 *       (lm_eval/loggers/utils.py), read from the model folder's files instead of a loaded transformers model.
 * </ul>
 */
final class LmEvalMeta {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UNSAFE = Pattern.compile("[\"<>:/|\\\\?*\\[\\]]+");
  private static final List<String> NAME_KEYS = List.of("peft=", "delta=", "pretrained=", "model=", "path=", "engine=");
  /** HFLM._DEFAULT_MAX_LENGTH. */
  static final int DEFAULT_MAX_LENGTH = 2048;

  private LmEvalMeta() {}

  static String modelName(String modelArgs) {
    for (String key : NAME_KEYS) {
      int at = modelArgs.indexOf(key);
      if (at < 0) continue;
      // Python's model_args.split(key)[1].split(",")[0]: the text between the first and second occurrence of key
      String after = modelArgs.substring(at + key.length());
      int next = after.indexOf(key);
      if (next >= 0) after = after.substring(0, next);
      int comma = after.indexOf(',');
      return comma < 0 ? after : after.substring(0, comma);
    }
    return "";
  }

  static String sanitizeModelName(String name) { return UNSAFE.matcher(name).replaceAll("__"); }

  static String taskHash(List<String> sampleHashes) { return Json.sha256(String.join("", sampleHashes)); }

  /**
   * What lm-eval's HF model reports. {@code numParameters}: the sum of the tensor sizes in the folder's
   * {@code *.safetensors} headers (HF's {@code num_parameters()} of the loaded model; -1 as lm-eval when unknown);
   * {@code dtype}: {@code str(torch dtype)} of the dtype the harness loads the weights in; {@code revision}: "main"
   * (HFLM's default); {@code sha}: the HF cache snapshot's commit when the model was resolved from the cache (what
   * {@code HfApi().model_info(...).sha} returns for it), else "" (lm-eval's value when the lookup fails). Tokens are
   * {@code [token, str(id)]} as lm-eval writes them (a missing token: {@code [null, "None"]}); {@code eotTokenId} is
   * the eos id (HFLM.eot_token_id); {@code maxLength}: HFLM.max_length (the configured one, else the config's
   * n_positions / max_position_embeddings / n_ctx, else the tokenizer's model_max_length, else 2048).
   */
  record ModelInfo(long numParameters, String dtype, String revision, String sha, List<String> padToken,
      List<String> eosToken, List<String> bosToken, Integer eotTokenId, Integer maxLength) {}

  /**
   * Reads {@code dir} (a model folder, may be null or lack files); {@code configuredMaxLength} may be null. With
   * {@code hfPad}, a missing pad token is set as HFLM's {@code configure_pad_token} (lm_eval/models/utils.py) does: the
   * unk token, else the eos token, else an added {@code <|pad|>}.
   */
  static ModelInfo modelInfo(Path dir, String sha, String dtype, Integer configuredMaxLength, boolean hfPad) {
    JsonNode config = read(dir, "config.json");
    JsonNode tok = read(dir, "tokenizer_config.json");
    JsonNode special = read(dir, "special_tokens_map.json");
    JsonNode tokenizer = read(dir, "tokenizer.json");
    List<String> pad = token("pad", config, tok, special, tokenizer);
    List<String> eos = token("eos", config, tok, special, tokenizer);
    List<String> bos = token("bos", config, tok, special, tokenizer);
    if (hfPad && dir != null && pad.get(0) == null) {
      List<String> unk = token("unk", config, tok, special, tokenizer);
      if (unk.get(0) != null) pad = unk;
      else if (eos.get(0) != null) pad = eos;
      else pad = List.of("<|pad|>", String.valueOf(nextId(tokenizer)));
    }
    Integer eot = "None".equals(eos.get(1)) ? null : Integer.valueOf(eos.get(1));
    Integer maxLength = configuredMaxLength;
    if (maxLength == null) {
      for (String attr : List.of("n_positions", "max_position_embeddings", "n_ctx")) {
        if (config.path(attr).isIntegralNumber()) {
          maxLength = config.get(attr).asInt();
          break;
        }
      }
    }
    if (maxLength == null && tok.path("model_max_length").isIntegralNumber() && tok.get("model_max_length").asLong() < 1L << 40) {
      maxLength = tok.get("model_max_length").asInt();
    }
    if (maxLength == null && dir != null) maxLength = DEFAULT_MAX_LENGTH;
    boolean tied = config.path("tie_word_embeddings").asBoolean(true); // PretrainedConfig's default: True
    return new ModelInfo(dir == null ? -1 : parameters(dir, tied), "torch." + dtype, "main", sha == null ? "" : sha, pad, eos, bos,
        eot, maxLength);
  }

  /** {@code [token, str(token_id)]}: the token text from the tokenizer config (or special_tokens_map), its id. */
  private static List<String> token(String kind, JsonNode config, JsonNode tok, JsonNode special, JsonNode tokenizer) {
    String text = text(tok.path(kind + "_token"));
    if (text == null) text = text(special.path(kind + "_token"));
    Integer id = null;
    if (text != null) {
      for (JsonNode added : tokenizer.path("added_tokens")) {
        if (text.equals(added.path("content").asText(null))) id = added.path("id").asInt();
      }
      if (id == null && tokenizer.path("model").path("vocab").path(text).isIntegralNumber()) {
        id = tokenizer.path("model").path("vocab").get(text).asInt();
      }
    }
    if (id == null && text != null && config.path(kind + "_token_id").isIntegralNumber()) id = config.get(kind + "_token_id").asInt();
    List<String> out = new ArrayList<>(2);
    out.add(text);
    out.add(id == null ? "None" : String.valueOf(id));
    return out;
  }

  /** The id {@code add_special_tokens} gives a new token: one past the largest id of the vocabulary and added tokens. */
  private static int nextId(JsonNode tokenizer) {
    int max = -1;
    for (JsonNode v : tokenizer.path("model").path("vocab")) if (v.isIntegralNumber()) max = Math.max(max, v.asInt());
    for (JsonNode a : tokenizer.path("added_tokens")) max = Math.max(max, a.path("id").asInt(-1));
    return max + 1;
  }

  private static String text(JsonNode n) {
    if (n.isTextual()) return n.asText();
    if (n.isObject() && n.path("content").isTextual()) return n.get("content").asText();
    return null;
  }

  private static JsonNode read(Path dir, String name) {
    if (dir == null) return JSON.missingNode();
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) return JSON.missingNode();
    try {
      return JSON.readTree(f.toFile());
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  /**
   * Sum over the tensors of every *.safetensors file of the product of its shape; -1 when there are none. With tied
   * embeddings, a stored {@code lm_head.weight} is the embedding matrix again: HF's {@code num_parameters()} counts a
   * shared parameter once, so it is left out.
   */
  static long parameters(Path dir, boolean tied) {
    long total = 0;
    boolean any = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.safetensors")) {
      for (Path f : files) {
        if (f.getFileName().toString().startsWith("adapter_")) continue;
        any = true;
        total += safetensorsParameters(f, tied);
      }
    } catch (IOException e) {
      return -1;
    }
    return any ? total : -1;
  }

  /** The safetensors header: an 8-byte little-endian length, then JSON {name: {dtype, shape, data_offsets}}. */
  static long safetensorsParameters(Path file, boolean tied) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] len = in.readNBytes(8);
      if (len.length < 8) throw new IOException(file + ": not a safetensors file");
      long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (n <= 0 || n > 100_000_000) throw new IOException(file + ": bad safetensors header length " + n);
      JsonNode header = JSON.readTree(new String(in.readNBytes((int) n), StandardCharsets.UTF_8));
      long total = 0;
      boolean hasEmbedding = false;
      for (Map.Entry<String, JsonNode> e : header.properties()) {
        hasEmbedding |= e.getKey().endsWith("embed_tokens.weight") || e.getKey().endsWith("wte.weight");
      }
      for (Map.Entry<String, JsonNode> e : header.properties()) {
        if (e.getKey().equals("__metadata__")) continue;
        if (tied && hasEmbedding && e.getKey().equals("lm_head.weight")) continue;
        long size = 1;
        for (JsonNode d : e.getValue().path("shape")) size *= d.asLong();
        total += size;
      }
      return total;
    }
  }

}
