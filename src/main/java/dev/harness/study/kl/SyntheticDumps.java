package dev.harness.study.kl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.HarnessException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builders of provider-format responses and dump lines, and the benchmark hook {@link #generate}: a pair of dumps
 * for {@code harness bench --kl}. Used by the tests to write dumps from known distributions.
 */
public final class SyntheticDumps {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SyntheticDumps() {}

  /** One generated token: its text, raw bytes (null: none in the output), log-prob and top-k (text → log-prob). */
  public record Tok(String text, byte[] bytes, double logprob, Map<String, Double> top) {
    public Tok(String text, double logprob, Map<String, Double> top) {
      this(text, text.getBytes(StandardCharsets.UTF_8), logprob, top);
    }
  }

  /** A chat-completions response with {@code logprobs.content}; message content = the concatenated bytes' text. */
  public static ObjectNode chatResponse(String model, List<Tok> toks) {
    ObjectNode r = F.objectNode().put("id", "chatcmpl-synthetic").put("object", "chat.completion").put("model", model);
    ObjectNode choice = r.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
    choice.putObject("message").put("role", "assistant").put("content", text(toks));
    ArrayNode content = choice.putObject("logprobs").putArray("content");
    for (Tok t : toks) {
      ObjectNode o = content.addObject().put("token", t.text()).put("logprob", t.logprob());
      bytes(o, t.bytes());
      ArrayNode top = o.putArray("top_logprobs");
      for (Map.Entry<String, Double> e : sorted(t.top())) {
        ObjectNode a = top.addObject().put("token", e.getKey()).put("logprob", e.getValue());
        bytes(a, e.getKey().getBytes(StandardCharsets.UTF_8));
      }
    }
    return r;
  }

  /** A legacy completions response ({@code tokens, token_logprobs, top_logprobs, text_offset}); no bytes. */
  public static ObjectNode legacyResponse(String model, List<Tok> toks) {
    ObjectNode r = F.objectNode().put("id", "cmpl-synthetic").put("object", "text_completion").put("model", model);
    ObjectNode choice = r.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
        .put("text", text(toks));
    ObjectNode lp = choice.putObject("logprobs");
    ArrayNode tokens = lp.putArray("tokens"), lps = lp.putArray("token_logprobs"), tops = lp.putArray("top_logprobs"),
        offs = lp.putArray("text_offset");
    int off = 0;
    for (Tok t : toks) {
      tokens.add(t.text());
      lps.add(t.logprob());
      ObjectNode top = tops.addObject();
      for (Map.Entry<String, Double> e : sorted(t.top())) top.put(e.getKey(), e.getValue());
      offs.add(off);
      off += t.text().length();
    }
    return r;
  }

  /** A dump line. */
  public static ObjectNode line(String promptId, String prompt, String model, int sampleIndex, ObjectNode response) {
    ObjectNode l = F.objectNode().put("prompt_id", promptId).put("prompt", prompt).put("model", model)
        .put("sample_index", sampleIndex);
    l.set("response", response);
    return l;
  }

  /** Adds {@code cross = {model, response}}: the other model's teacher-forced scores of this line's tokens. */
  public static ObjectNode withCross(ObjectNode line, String otherModel, ObjectNode otherResponse) {
    ObjectNode c = line.putObject("cross").put("model", otherModel);
    c.set("response", otherResponse);
    return line;
  }

  /** Writes lines as JSONL. */
  public static void write(Path file, List<ObjectNode> lines) {
    ObjectMapper m = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (ObjectNode l : lines) {
        w.write(m.writeValueAsString(l));
        w.write('\n');
      }
    } catch (IOException e) {
      throw HarnessException.failure("writing " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Benchmark hook: writes {@code a.jsonl} and {@code b.jsonl} into {@code dir}: {@code prompts} prompts ×
   * {@code samples} samples × {@code tokens} tokens, chat format with top-{@code topK}; per prompt, A and B are two
   * random categorical distributions (position-independent) over a 1000-token vocabulary, B a perturbation of A.
   * Returns {a, b}.
   */
  public static Path[] generate(Path dir, int prompts, int samples, int tokens, int topK, long seed) {
    int vocab = 1000;
    Random rnd = new Random(seed);
    Path pa = dir.resolve("a.jsonl"), pb = dir.resolve("b.jsonl");
    ObjectMapper m = new ObjectMapper();
    try (BufferedWriter wa = Files.newBufferedWriter(pa, StandardCharsets.UTF_8);
        BufferedWriter wb = Files.newBufferedWriter(pb, StandardCharsets.UTF_8)) {
      String[] names = new String[vocab];
      for (int v = 0; v < vocab; v++) names[v] = " w" + v;
      for (int p = 0; p < prompts; p++) {
        double[] la = new double[vocab], lb = new double[vocab];
        double scale = rnd.nextDouble();
        for (int v = 0; v < vocab; v++) {
          la[v] = 2 * rnd.nextGaussian();
          lb[v] = la[v] + scale * rnd.nextGaussian();
        }
        normalise(la);
        normalise(lb);
        for (int s = 0; s < samples; s++) {
          wa.write(m.writeValueAsString(line("p" + p, "prompt " + p, "model-a", s,
              chatResponse("model-a", sample(la, names, tokens, topK, rnd)))));
          wa.write('\n');
          wb.write(m.writeValueAsString(line("p" + p, "prompt " + p, "model-b", s,
              chatResponse("model-b", sample(lb, names, tokens, topK, rnd)))));
          wb.write('\n');
        }
      }
    } catch (IOException e) {
      throw HarnessException.failure("writing benchmark dumps to " + dir + ": " + e.getMessage(), e);
    }
    return new Path[] {pa, pb};
  }

  /** T tokens drawn i.i.d. from a categorical given by log-probs, each with the distribution's top-k. */
  public static List<Tok> sample(double[] logprobs, String[] names, int n, int topK, Random rnd) {
    Integer[] order = new Integer[logprobs.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> logprobs[i]).reversed());
    Map<String, Double> top = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(topK, order.length); i++) top.put(names[order[i]], logprobs[order[i]]);
    List<Tok> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      double u = rnd.nextDouble(), c = 0;
      int k = logprobs.length - 1;
      for (int i = 0; i < logprobs.length; i++) {
        c += Math.exp(logprobs[i]);
        if (u < c) {
          k = i;
          break;
        }
      }
      out.add(new Tok(names[k], logprobs[k], top));
    }
    return out;
  }

  private static void normalise(double[] l) {
    double max = Double.NEGATIVE_INFINITY, s = 0;
    for (double x : l) max = Math.max(max, x);
    for (double x : l) s += Math.exp(x - max);
    double lse = max + Math.log(s);
    for (int i = 0; i < l.length; i++) l[i] -= lse;
  }

  private static List<Map.Entry<String, Double>> sorted(Map<String, Double> top) {
    List<Map.Entry<String, Double>> e = new ArrayList<>(top.entrySet());
    e.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    return e;
  }

  private static String text(List<Tok> toks) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (Tok t : toks) b.writeBytes(t.bytes() != null ? t.bytes() : t.text().getBytes(StandardCharsets.UTF_8));
    return b.toString(StandardCharsets.UTF_8);
  }

  private static void bytes(ObjectNode o, byte[] b) {
    if (b == null) return;
    ArrayNode a = o.putArray("bytes");
    for (byte x : b) a.add(x & 0xff);
  }
}
