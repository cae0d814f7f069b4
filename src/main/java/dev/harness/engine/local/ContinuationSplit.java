package dev.harness.engine.local;

import dev.harness.engine.local.tokenizer.HfTokenizer;
import java.util.Arrays;

/**
 * lm-eval's rule for the tokens of a continuation: trailing whitespace of the context moves to the front of the
 * continuation; {@code context + continuation} is tokenized together and the context alone; the continuation's tokens
 * are the tail of the joint tokenization beyond the context's count. An empty context becomes the prefix token (BOS,
 * else EOS).
 */
record ContinuationSplit(int[] context, int[] continuation) {

  /** The context text lm-eval tokenizes: {@code context} without its trailing whitespace. */
  static String contextText(String context) { return context.stripTrailing(); }

  static ContinuationSplit of(HfTokenizer tokenizer, String context, String continuation, boolean addSpecialTokens,
      int prefixTokenId) {
    String ctx = context;
    String cont = continuation;
    int trailing = ctx.length() - ctx.stripTrailing().length();
    if (trailing > 0) {
      cont = ctx.substring(ctx.length() - trailing) + cont;
      ctx = ctx.substring(0, ctx.length() - trailing);
    }
    if (ctx.isEmpty()) {
      return new ContinuationSplit(new int[] {prefixTokenId}, tokenizer.encodeIds(cont, false));
    }
    int[] whole = tokenizer.encodeIds(ctx + cont, addSpecialTokens);
    int[] ctxIds = tokenizer.encodeIds(ctx, addSpecialTokens);
    return new ContinuationSplit(ctxIds, Arrays.copyOfRange(whole, Math.min(ctxIds.length, whole.length), whole.length));
  }
}
