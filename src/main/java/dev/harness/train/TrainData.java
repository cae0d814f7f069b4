package dev.harness.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.HarnessException;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.tokenizer.ChatTemplate;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import dev.harness.engine.local.tokenizer.PromptRenderer;
import dev.harness.engine.local.tokenizer.RenderedPrompt;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a training JSONL into token ids with the model's tokenizer.
 * <ul>
 *   <li>{@code {"prompt", "response"}} (SFT): with a chat template the prompt is the user message rendered with the
 *       generation prompt and the response is what the template adds for the assistant turn (so its end-of-turn
 *       tokens are learnt); without one, raw prompt text (tokenizer's default special tokens) then the response and
 *       the EOS token.</li>
 *   <li>{@code {"messages": [...]}} (SFT): the final message must be the assistant's and is the response; the rest is
 *       the prompt (chat template, or the plain "Role: text" fallback of {@link PromptRenderer}).</li>
 *   <li>{@code {"prompt" | "messages", "prefill"?, "targets": {token_or_word: prob}}} (tvd / kl): the prompt rendered as
 *       the engine renders it for the next token (a prefill continues the final assistant message); each target key's
 *       id is the first token of the key tokenized without special tokens (leading space kept); keys that are several
 *       tokens are warned about, keys that share a first token are merged (probabilities added).</li>
 * </ul>
 * Loss positions: SFT on the response tokens only; targets at the prompt's last token.
 */
public final class TrainData {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HfTokenizer tok;
  private final PromptRenderer renderer;
  private final ChatTemplate template;
  private final int maxLength;
  private final Consumer<String> warn;

  public TrainData(HfTokenizer tok, int maxLength, Consumer<String> warn) {
    this.tok = tok;
    this.template = tok.chatTemplate();
    this.renderer = new PromptRenderer(template);
    this.maxLength = maxLength;
    this.warn = warn;
  }

  /** Reads {@code file}; {@code format} auto, prompt_response, messages or targets; {@code limit} null = all lines. */
  public List<TrainExample> read(Path file, String format, Integer limit) {
    List<TrainExample> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int line = 0;
      while ((text = r.readLine()) != null) {
        line++;
        if (text.isBlank()) continue;
        if (limit != null && out.size() >= limit) break;
        JsonNode n;
        try {
          n = JSON.readTree(text);
        } catch (IOException e) {
          throw bad(file, line, "not valid JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
        if (n == null || !n.isObject()) throw bad(file, line, "expected a JSON object");
        String f = format.equals("auto") ? detect(n) : format;
        if (f == null) throw bad(file, line, "cannot tell the format: expected keys prompt+response, messages, or targets");
        out.add(switch (f) {
          case "prompt_response" -> promptResponse(file, line, n);
          case "messages" -> messages(file, line, n);
          default -> targets(file, line, n);
        });
      }
    } catch (IOException e) {
      throw new HarnessException(file + ": cannot read (" + e.getMessage() + ")", 1, e);
    }
    if (out.isEmpty()) throw new HarnessException(file + ": no examples", 1);
    return out;
  }

  static String detect(JsonNode n) {
    if (n.has("targets")) return "targets";
    if (n.has("messages")) return "messages";
    if (n.has("prompt") && n.has("response")) return "prompt_response";
    return null;
  }

  private TrainExample promptResponse(Path file, int line, JsonNode n) {
    String prompt = text(file, line, n, "prompt");
    String response = text(file, line, n, "response");
    if (template != null) return chatSft(file, line, List.of(Message.user(prompt)), response);
    int[] p = tok.encodeIds(prompt, true);
    return sft(file, line, p, withEos(tok.encodeIds(response, false)));
  }

  private TrainExample messages(Path file, int line, JsonNode n) {
    List<Message> msgs = messageList(file, line, n.get("messages"));
    Message last = msgs.get(msgs.size() - 1);
    if (!last.role().equals("assistant")) throw bad(file, line, "messages: the last message must be the assistant's response (got role '" + last.role() + "')");
    List<Message> head = msgs.subList(0, msgs.size() - 1);
    if (head.isEmpty()) throw bad(file, line, "messages: expected at least one message before the assistant's response");
    if (template != null) return chatSft(file, line, head, last.content());
    RenderedPrompt rp = renderer.render(Prompt.chat(head));
    return sft(file, line, tok.encodeIds(rp.text(), rp.addSpecialTokens()), withEos(tok.encodeIds(" " + last.content(), false)));
  }

  /** Prompt = template with generation prompt; response = what the full conversation adds after it. */
  private TrainExample chatSft(Path file, int line, List<Message> head, String response) {
    String prompt = template.render(head, true);
    List<Message> all = new ArrayList<>(head);
    all.add(Message.assistant(response));
    String full = template.render(all, false);
    String suffix = full.startsWith(prompt) ? full.substring(prompt.length()) : response;
    return sft(file, line, tok.encodeIds(prompt, false), tok.encodeIds(suffix, false));
  }

  private int[] withEos(int[] ids) {
    Integer eos = tok.specialTokens().eosId();
    if (eos == null) return ids;
    int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = eos;
    return out;
  }

  private TrainExample sft(Path file, int line, int[] prompt, int[] response) {
    if (prompt.length == 0) throw bad(file, line, "the prompt tokenizes to nothing");
    if (response.length == 0) throw bad(file, line, "the response tokenizes to nothing");
    if (prompt.length >= maxLength) {
      throw bad(file, line, "the prompt is " + prompt.length + " tokens, not less than train.max_length " + maxLength);
    }
    int n = Math.min(prompt.length + response.length, maxLength);
    if (n < prompt.length + response.length) {
      warn.accept(file + ":" + line + ": truncated to train.max_length " + maxLength + " tokens (" + (prompt.length + response.length) + ")");
    }
    int[] ids = java.util.Arrays.copyOf(prompt, n);
    System.arraycopy(response, 0, ids, prompt.length, n - prompt.length);
    return TrainExample.sft(line, ids, prompt.length);
  }

  private TrainExample targets(Path file, int line, JsonNode n) {
    Prompt p;
    if (n.has("messages")) p = Prompt.chat(messageList(file, line, n.get("messages")));
    else p = Prompt.text(text(file, line, n, "prompt"));
    if (n.has("prefill")) p = p.withPrefill(text(file, line, n, "prefill"));
    RenderedPrompt rp = renderer.render(p);
    int[] ids = tok.encodeIds(rp.text(), rp.addSpecialTokens());
    if (ids.length == 0) throw bad(file, line, "the prompt tokenizes to nothing");
    if (ids.length > maxLength) throw bad(file, line, "the prompt is " + ids.length + " tokens, more than train.max_length " + maxLength);
    JsonNode t = n.get("targets");
    if (t == null || !t.isObject() || t.isEmpty()) throw bad(file, line, "targets: expected a non-empty object {token_or_word: probability}");
    Map<Integer, Float> merged = new LinkedHashMap<>();
    double sum = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNumber()) throw bad(file, line, "targets." + e.getKey() + ": expected a probability, got " + e.getValue());
      double prob = e.getValue().asDouble();
      if (!(prob >= 0 && prob <= 1)) throw bad(file, line, "targets." + e.getKey() + ": expected a probability in [0, 1], got " + prob);
      int[] kid = tok.encodeIds(e.getKey(), false);
      if (kid.length == 0) throw bad(file, line, "targets: key '" + e.getKey() + "' tokenizes to nothing");
      if (kid.length > 1) {
        warn.accept(file + ":" + line + ": target '" + e.getKey() + "' is " + kid.length + " tokens; its first token (id " + kid[0] + ") carries the target");
      }
      if (merged.containsKey(kid[0])) warn.accept(file + ":" + line + ": targets share first token id " + kid[0] + "; their probabilities are added");
      merged.merge(kid[0], (float) prob, Float::sum);
      sum += prob;
    }
    if (sum > 1 + 1e-6) throw bad(file, line, "targets: probabilities sum to " + sum + ", more than 1");
    int[] tid = new int[merged.size()];
    float[] tp = new float[merged.size()];
    int i = 0;
    for (Map.Entry<Integer, Float> e : merged.entrySet()) {
      tid[i] = e.getKey();
      tp[i++] = e.getValue();
    }
    return TrainExample.targets(line, ids, tid, tp);
  }

  private static List<Message> messageList(Path file, int line, JsonNode arr) {
    if (arr == null || !arr.isArray() || arr.isEmpty()) throw bad(file, line, "messages: expected a non-empty list of {role, content}");
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      JsonNode m = arr.get(i);
      if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw bad(file, line, "messages[" + i + "]: expected {\"role\": string, \"content\": string}");
      }
      out.add(new Message(m.get("role").asText(), m.get("content").asText()));
    }
    return out;
  }

  private static String text(Path file, int line, JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual()) throw bad(file, line, key + ": expected a string");
    return v.asText();
  }

  private static HarnessException bad(Path file, int line, String message) {
    return new HarnessException(file + ":" + line + ": " + message, 1);
  }
}
