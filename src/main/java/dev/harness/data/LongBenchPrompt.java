package dev.harness.data;

import dev.harness.engine.Tokenizer;
import java.util.List;

/**
 * LongBench v1 narrativeqa prompt, exact (including the upstream spelling "asconcisely"):
 *
 * <pre>
 * You are given a story, ... Do not provide any explanation.\n\nStory: {context}\n\nNow, answer the question based on
 * the story asconcisely as you can, ... Do not provide any explanation.\n\nQuestion: {input}\n\nAnswer:
 * </pre>
 *
 * <p>The prompt splits into {@link #contextPart} (instruction + story) and {@link #questionPart} (from
 * {@code "\n\nNow, answer the question"} to the end), with {@code contextPart + questionPart == build}. The
 * kv study names the question part as the request's question: only the context part is compressed, and under the
 * kvpress protocol the question runs through the compressed cache (docs/kv-policies.md).
 *
 * <p>Fields are concatenated, not substituted, so braces in a story are kept literally.
 */
public final class LongBenchPrompt {
  public static final String PREFIX = "You are given a story, which can be either a novel or a movie script, and a"
      + " question. Answer the question asconcisely as you can, using a single phrase if possible. Do not provide any"
      + " explanation.\n\nStory: ";
  public static final String QUESTION_INTRO = "\n\nNow, answer the question based on the story asconcisely as you"
      + " can, using a single phrase if possible. Do not provide any explanation.\n\nQuestion: ";
  public static final String SUFFIX = "\n\nAnswer:";

  /** Maximum new tokens LongBench uses for narrativeqa. */
  public static final int MAX_NEW_TOKENS = 128;

  private LongBenchPrompt() {}

  public static String build(Example e) { return contextPart(e) + questionPart(e); }

  /** Instruction and story: everything before {@code "\n\nNow, answer the question"}. */
  public static String contextPart(Example e) { return PREFIX + e.context(); }

  /** The question suffix: never compressed (see the class comment). */
  public static String questionPart(Example e) { return QUESTION_INTRO + e.input() + SUFFIX; }

  /**
   * A prompt cut to fit: {@code text} is the (possibly shortened) prompt; {@code originalTokens} its full length and
   * {@code keptTokens} what was kept (equal when not truncated).
   */
  public record Truncated(String text, boolean truncated, int originalTokens, int keptTokens) {}

  /**
   * LongBench middle truncation: if the prompt is longer than {@code maxLength} tokens (no special tokens), keep the
   * first and the last {@code maxLength/2} tokens, decode each half and join the two strings (done before any chat
   * template). An odd {@code maxLength} keeps {@code maxLength - 1} tokens, as upstream.
   */
  public static Truncated truncateMiddle(String prompt, Tokenizer tok, int maxLength) {
    if (maxLength < 2) throw new DataException("max_length must be at least 2 tokens, got " + maxLength);
    List<Integer> ids = tok.encode(prompt, false);
    int n = ids.size();
    if (n <= maxLength) return new Truncated(prompt, false, n, n);
    int half = maxLength / 2;
    String text = tok.decode(ids.subList(0, half)) + tok.decode(ids.subList(n - half, n));
    return new Truncated(text, true, n, 2 * half);
  }
}
