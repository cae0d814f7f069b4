package dev.harness.engine.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * lm-eval's {@code local-completions} client, transcribed rule by rule (test double: it plays lm-eval against serve).
 * Source: EleutherAI/lm-evaluation-harness at 0064c3a03e5fe863a1ffde689bdb216c97d8c5f1,
 * <ul>
 *   <li>{@code lm_eval/models/openai_completions.py}, {@code LocalCompletionsAPI._create_payload},
 *       {@code parse_logprobs}, {@code parse_generations};
 *   <li>{@code lm_eval/models/api_models.py}, {@code TemplateAPI.create_message}, {@code batch_loglikelihood_requests},
 *       {@code _loglikelihood_tokens} (Collator sort key {@code (-len(toks), tuple(toks))}, chunks of batch_size),
 *       {@code tok_encode} ({@code add_special_tokens = add_bos_token = False} by default), {@code max_length = 2048 - 1};
 *   <li>{@code lm_eval/api/model.py}, {@code TemplateLM._encode_pair} (trailing spaces of the context move to the
 *       continuation; {@code continuation_enc = whole_enc[len(context_enc):]});
 *   <li>{@code lm_eval/models/utils.py}, {@code handle_stop_sequences} (the EOS string is appended to {@code until}).
 * </ul>
 */
final class LmEvalLocalCompletions {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int SEED = 1234;
  /** TemplateAPI: {@code self.max_length = max_length - 1} with the default max_length 2048. */
  static final int MAX_LENGTH = 2048 - 1;

  /** context_enc + continuation_enc of one loglikelihood request. */
  record Pair(int[] context, int[] continuation) {}

  /** One request of {@code batch_loglikelihood_requests}: the input ids and ctxlen. */
  record Input(int[] ids, int ctxlen) {}

  private LmEvalLocalCompletions() {}

  /** {@code TemplateAPI.tok_encode} with the huggingface backend and add_bos_token False. */
  static int[] tokEncode(HfTokenizer tok, String s) { return tok.encodeIds(s, false); }

  /** {@code TemplateLM._encode_pair}. */
  static Pair encodePair(HfTokenizer tok, String context, String continuation) {
    int nSpaces = context.length() - context.stripTrailing().length();
    if (nSpaces > 0) {
      continuation = context.substring(context.length() - nSpaces) + continuation;
      context = context.substring(0, context.length() - nSpaces);
    }
    int[] whole = tokEncode(tok, context + continuation);
    int[] ctx = tokEncode(tok, context);
    return new Pair(ctx, Arrays.copyOfRange(whole, ctx.length, whole.length));
  }

  /** {@code batch_loglikelihood_requests}: left-truncated to max_length, ctxlen reduced by what was cut. */
  static Input input(Pair p) {
    int[] all = new int[p.context().length + p.continuation().length];
    System.arraycopy(p.context(), 0, all, 0, p.context().length);
    System.arraycopy(p.continuation(), 0, all, p.context().length, p.continuation().length);
    int[] inp = all.length > MAX_LENGTH ? Arrays.copyOfRange(all, all.length - MAX_LENGTH, all.length) : all;
    int ctxlen = p.context().length - Math.max(0, all.length - MAX_LENGTH);
    return new Input(inp, ctxlen);
  }

  /**
   * {@code _loglikelihood_tokens} order: sorted by {@code (-len(toks), tuple(toks))}, cut into chunks of batch_size;
   * returns the original indices per chunk.
   */
  static List<List<Integer>> chunks(List<Pair> pairs, int batchSize) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) order.add(i);
    Comparator<Integer> byLen = Comparator.comparingInt(i -> -(pairs.get(i).context().length + pairs.get(i).continuation().length));
    order.sort(byLen.thenComparing((a, b) -> Arrays.compare(input(pairs.get(a)).ids(), input(pairs.get(b)).ids())));
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < order.size(); i += batchSize) out.add(order.subList(i, Math.min(order.size(), i + batchSize)));
    return out;
  }

  /**
   * {@code TemplateAPI.create_message}: tokenized requests send the id lists as they are; untokenized ones send the
   * decoded strings, a bare string when batch_size is 1.
   */
  static JsonNode createMessage(List<int[]> ids, boolean tokenizedRequests, int batchSize, HfTokenizer tok) {
    ArrayNode a = JSON.createArrayNode();
    if (tokenizedRequests) {
      for (int[] x : ids) {
        ArrayNode one = a.addArray();
        for (int id : x) one.add(id);
      }
      return a;
    }
    List<String> decoded = new ArrayList<>();
    for (int[] x : ids) decoded.add(tok.decode(x, false)); // batch_decode: skip_special_tokens=False
    if (batchSize <= 1) return JSON.getNodeFactory().textNode(decoded.get(0));
    decoded.forEach(a::add);
    return a;
  }

  /** {@code LocalCompletionsAPI._create_payload(generate=False)}. */
  static ObjectNode loglikelihoodPayload(String model, JsonNode messages) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", model);
    o.set("prompt", messages);
    o.put("temperature", 0);
    o.put("max_tokens", 1);
    o.put("logprobs", 1);
    o.put("seed", SEED);
    o.put("echo", true);
    return o;
  }

  /** {@code LocalCompletionsAPI._create_payload(generate=True)} for gen_kwargs {@code {until, max_gen_toks}}. */
  static ObjectNode generatePayload(String model, JsonNode messages, List<String> until, int maxGenToks, String eos) {
    List<String> stop = new ArrayList<>(until);
    if (eos != null && !stop.contains(eos)) stop.add(eos); // handle_stop_sequences
    ObjectNode o = JSON.createObjectNode();
    o.set("prompt", messages);
    o.put("model", model);
    o.put("max_tokens", maxGenToks);
    o.put("temperature", 0);
    ArrayNode s = o.putArray("stop");
    stop.forEach(s::add);
    o.put("seed", SEED);
    return o;
  }

  /** One loglikelihood answer: (sum of the continuation's log-probs, is_greedy). */
  record Answer(double logprob, boolean greedy) {}

  /** {@code LocalCompletionsAPI.parse_logprobs}. */
  static List<Answer> parseLogprobs(JsonNode out, List<Integer> ctxlens) {
    List<JsonNode> choices = new ArrayList<>();
    out.get("choices").forEach(choices::add);
    choices.sort(Comparator.comparingInt(c -> c.get("index").asInt()));
    List<Answer> res = new ArrayList<>();
    for (int k = 0; k < Math.min(choices.size(), ctxlens.size()); k++) {
      JsonNode choice = choices.get(k);
      int ctxlen = ctxlens.get(k);
      if (ctxlen <= 0) throw new AssertionError("Context length must be greater than 0");
      JsonNode lps = choice.at("/logprobs/token_logprobs");
      JsonNode tops = choice.at("/logprobs/top_logprobs");
      double sum = 0;
      boolean greedy = true;
      for (int p = ctxlen; p < lps.size() - 1; p++) { // [ctxlen:-1]
        double tok = lps.get(p).asDouble(); // a null would raise in Python's sum; asDouble() gives 0 and the sum check catches it
        if (lps.get(p).isNull()) throw new AssertionError("null log-prob at " + p + " inside lm-eval's [ctxlen:-1] slice");
        sum += tok;
        if (greedy) {
          double max = Double.NEGATIVE_INFINITY;
          JsonNode top = tops.get(p);
          if (top == null || !top.isObject() || top.isEmpty()) throw new AssertionError("max() of empty top_logprobs at " + p);
          for (Iterator<Map.Entry<String, JsonNode>> it = top.fields(); it.hasNext(); ) max = Math.max(max, it.next().getValue().asDouble());
          if (tok != max) greedy = false;
        }
      }
      res.add(new Answer(sum, greedy));
    }
    return res;
  }

  /** {@code LocalCompletionsAPI.parse_generations}: the texts placed by their {@code index}. */
  static List<String> parseGenerations(JsonNode out) {
    String[] tmp = new String[out.get("choices").size()];
    for (JsonNode c : out.get("choices")) tmp[c.get("index").asInt()] = c.get("text").asText();
    return Arrays.asList(tmp);
  }
}
