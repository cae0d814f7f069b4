package dev.harness.engine.local;

import dev.harness.engine.CompletionRequest;
import dev.harness.engine.TokenLogprob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One sequence's generation bookkeeping, shared by single and batched generation ({@link Generator}): sampling with
 * the request's own generator, EOS, the decoded text, stop strings (the text and the logprobs are cut at the earliest
 * stop), max tokens and the context window.
 */
final class Generation {
  private final LoadedModel m;
  final CompletionRequest r;
  private final Random rng;
  private final int anchor;
  private final int[] prompt;
  final List<Integer> gen = new ArrayList<>();
  private final List<Integer> tokenEnds = new ArrayList<>();
  private final LocalEngine.GenerationListener listener;
  List<TokenLogprob> tokens = new ArrayList<>();
  String text = "";
  String finish = "length";

  Generation(LoadedModel m, CompletionRequest r, int[] prompt, LocalEngine.GenerationListener listener) {
    this.m = m;
    this.r = r;
    this.prompt = prompt;
    this.listener = listener;
    this.rng = r.seed() != null ? new Random(r.seed()) : new Random();
    this.anchor = prompt[prompt.length - 1];
  }

  /**
   * Takes the logits after the last token fed ({@code nextPosition} tokens fed so far) and returns the token to feed
   * next, or −1 when the generation is over (EOS, a stop string, max tokens or the end of the window).
   */
  int accept(float[] logits, int nextPosition) {
    int next = TokenSampler.next(r.adjust().isNone() ? logits : r.adjust().apply(logits, prompt, gen), r.temperature(), r.topP(), rng);
    if (m.eosIds.contains(next)) {
      finish = "stop";
      return -1;
    }
    gen.add(next);
    String now = textOf(anchor, gen);
    String piece = now.startsWith(text) ? now.substring(text.length()) : m.tokenizer.piece(-1, next);
    text = now;
    tokenEnds.add(text.length());
    if (r.logprobs()) {
      tokens.add(NextTokens.tokenLogprob(m.tokenizer, logits, next, piece, r.topLogprobs(),
          gen.size() > 1 ? gen.get(gen.size() - 2) : anchor));
    }
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
    if (gen.size() >= r.maxTokens() || nextPosition >= m.maxLength) return -1;
    return next;
  }

  /** Text of the generated ids, decoded after the prompt's last token so a leading space survives. */
  private String textOf(int anchor, List<Integer> gen) {
    int[] withAnchor = new int[gen.size() + 1];
    withAnchor[0] = anchor;
    for (int i = 0; i < gen.size(); i++) withAnchor[i + 1] = gen.get(i);
    String pre = m.tokenizer.decode(new int[] {anchor}, false);
    String all = m.tokenizer.decode(withAnchor, false);
    if (all.startsWith(pre)) return all.substring(pre.length());
    return m.tokenizer.decode(Arrays.copyOfRange(withAnchor, 1, withAnchor.length), false);
  }

  /** Where the earliest of {@code stops} starts in {@code text}, or −1. */
  static int stopAt(String text, List<String> stops) {
    int best = -1;
    for (String s : stops) {
      if (s == null || s.isEmpty()) continue;
      int at = text.indexOf(s);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }
}
