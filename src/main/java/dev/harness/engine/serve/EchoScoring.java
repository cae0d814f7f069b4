package dev.harness.engine.serve;

import dev.harness.engine.Engine;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.Tokenizer;
import dev.harness.engine.TopLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-token log-probs of a whole prompt for {@code echo: true} with {@code logprobs}, and the legacy
 * {@code text_offset}s (code points, like Python's {@code len}, which is what the harness client counts).
 *
 * <p>Source: the engine's {@link PromptScorer} when it implements one; otherwise the tokenizer's first token of the
 * prompt is the context of {@code engine.score(first, rest)} and gets no log-prob (NaN, sent as null).
 *
 * <p>A BOS the tokenizer adds to a text prompt is echoed as entry 0, as vLLM does: vLLM tokenizes completions prompts
 * with {@code add_special_tokens=True} and echoes every prompt token; in
 * {@code vllm/entrypoints/openai/serving_completion.py}, {@code _create_completion_logprobs}, a position without
 * log-probs (the first prompt token) gets {@code token = tokenizer.decode(token_id)} (e.g. {@code "<s>"}), log-prob
 * {@code None} and top_logprobs {@code None}, and {@code text_offset} is the running sum of the token texts' lengths
 * from 0 ({@code request_output_to_completion_response} passes no initial offset). So the BOS entry has offset 0, and
 * every later offset (the generated tokens' too) is shifted by the length of its text ({@link #leadLength}), even
 * though the returned {@code text} is the prompt without it.
 */
final class EchoScoring {
  static final int MAX_PREFIX_DECODES = 4096;

  private final Engine engine;
  private final Tokenizer tokenizer;

  EchoScoring(Engine engine, Tokenizer tokenizerOrNull) {
    this.engine = engine;
    this.tokenizer = tokenizerOrNull;
  }

  List<TokenLogprob> promptTokens(String prompt, int topK) {
    if (prompt.isEmpty()) return List.of();
    if (engine instanceof PromptScorer ps) return ps.promptTopLogprobs(prompt, topK);
    if (tokenizer == null) {
      throw ApiError.invalid("echo", "'echo' with 'logprobs' is not supported by this server: its engine cannot score a whole"
          + " prompt and no tokenizer was given to split off the first token.");
    }
    List<Integer> ids = tokenizer.encode(prompt, false);
    if (ids.isEmpty()) return List.of();
    String first = tokenizer.decode(ids.subList(0, 1));
    if (first.isEmpty() || !prompt.startsWith(first)) {
      throw new ApiError(500, ApiError.SERVER_ERROR, "cannot score the echoed prompt: its first token decodes to '" + first
          + "', which does not start the prompt", null, null);
    }
    List<TokenLogprob> out = new ArrayList<>();
    int bos = addedBos(prompt);
    if (bos >= 0) out.add(new TokenLogprob(tokenizer.decode(List.of(bos)), bos, Double.NaN, null, List.of()));
    // the first text token is score()'s context: a generic engine gives it no log-prob, even after a BOS
    out.add(new TokenLogprob(first, ids.get(0), Double.NaN, null, List.of()));
    String rest = prompt.substring(first.length());
    if (rest.isEmpty()) return out;
    for (TokenScore s : engine.score(first, rest)) {
      List<TopLogprob> top = topK >= 1 && s.greedy() ? List.of(new TopLogprob(s.token(), s.id(), s.logprob())) : List.of();
      out.add(new TokenLogprob(s.token(), s.id(), s.logprob(), null, top));
    }
    return out;
  }

  /** The BOS id the tokenizer adds in front of {@code text} (encode with special tokens = [bos] + encode without), or -1. */
  private int addedBos(String text) {
    List<Integer> plain = tokenizer.encode(text, false);
    List<Integer> special = tokenizer.encode(text, true);
    return special.size() == plain.size() + 1 && special.subList(1, special.size()).equals(plain) ? special.get(0) : -1;
  }

  /**
   * The code-point length of a leading entry that is not part of {@code text} (the BOS a text prompt's tokenization
   * adds, see the class comment), else 0: entry 0 has no log-prob, its text does not start the prompt's spelling by the
   * other entries (they spell {@code text} on their own), or, with a tokenizer, its id is the BOS the tokenizer adds.
   */
  int leadLength(String text, List<TokenLogprob> tokens) {
    if (tokens.isEmpty() || !Double.isNaN(tokens.get(0).logprob())) return 0;
    String t0 = tokens.get(0).token();
    if (t0.isEmpty()) return 0;
    StringBuilder all = new StringBuilder();
    for (TokenLogprob t : tokens) all.append(t.token());
    if (all.toString().equals(text)) return 0;
    boolean restSpells = all.substring(t0.length()).equals(text);
    boolean isBos = tokenizer != null && tokens.get(0).id() >= 0 && tokens.get(0).id() == addedBos(text) && !text.startsWith(t0);
    return restSpells || isBos ? t0.codePointCount(0, t0.length()) : 0;
  }

  /**
   * Code-point offsets of {@code tokens} in {@code text}: running sums of the token texts when they concatenate to the
   * text; else, with a tokenizer and known ids (and at most {@value #MAX_PREFIX_DECODES} tokens: it costs a decode per
   * token), the decoded length of the tokens before each one; else running sums clamped to the text. Always
   * non-decreasing and within [0, length]; with a leading BOS entry ({@link #leadLength} L &gt; 0): 0 for it, and L plus
   * the offsets of the other entries (vLLM's running sums).
   */
  int[] offsets(String text, List<TokenLogprob> tokens) {
    int lead = leadLength(text, tokens);
    if (lead > 0) {
      int[] rest = textOffsets(text, tokens.subList(1, tokens.size()));
      int[] out = new int[tokens.size()];
      for (int i = 0; i < rest.length; i++) out[i + 1] = lead + rest[i];
      return out;
    }
    return textOffsets(text, tokens);
  }

  private int[] textOffsets(String text, List<TokenLogprob> tokens) {
    int n = tokens.size();
    int[] out = new int[n];
    int length = text.codePointCount(0, text.length());
    StringBuilder concat = new StringBuilder();
    for (TokenLogprob t : tokens) concat.append(t.token());
    boolean exact = concat.toString().equals(text);
    boolean ids = tokenizer != null && n <= MAX_PREFIX_DECODES && tokens.stream().allMatch(t -> t.id() >= 0);
    int pos = 0;
    for (int i = 0; i < n; i++) {
      int off;
      if (exact || !ids) {
        off = pos;
      } else {
        List<Integer> before = new ArrayList<>(i);
        for (int j = 0; j < i; j++) before.add(tokens.get(j).id());
        String d = i == 0 ? "" : tokenizer.decode(before);
        off = d.codePointCount(0, d.length());
      }
      off = Math.min(length, Math.max(i == 0 ? 0 : out[i - 1], off));
      out[i] = off;
      String tok = tokens.get(i).token();
      pos = off + tok.codePointCount(0, tok.length());
    }
    return out;
  }

  /** Running code-point offsets of generated tokens, starting at {@code base}. */
  static int[] runningOffsets(List<TokenLogprob> tokens, int base) {
    int[] out = new int[tokens.size()];
    int pos = base;
    for (int i = 0; i < out.length; i++) {
      out[i] = pos;
      String t = tokens.get(i).token();
      pos += t.codePointCount(0, t.length());
    }
    return out;
  }
}
