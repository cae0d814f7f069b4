package dev.harness.engine.serve;

import dev.harness.engine.Capability;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.ErrorKind;
import dev.harness.engine.Message;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.TopLogprob;
import dev.harness.engine.Usage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Deterministic test engine: answers with the words of the prompt (the last user message, or the text) in reverse
 * order, each with a leading space. Token i has log-prob -(0.1 (i+1) + 0.01 len); its top-k list is the token followed
 * by " alt1", " alt2", ... each 0.5 lower. Scoring: token i of the whole text has -(0.25 + 0.1 i + 0.01 len) and is
 * greedy when i is even. A prompt containing FAIL_ENGINE / FAIL_RATE throws the matching {@link EngineException}.
 */
class ReverseEngine implements Engine, PromptScorer {
  final WordTokenizer tok;
  volatile CompletionRequest last;

  ReverseEngine(WordTokenizer tok) { this.tok = tok; }

  static String source(Prompt p) {
    if (!p.isChat()) return p.text();
    String s = "";
    for (Message m : p.messages()) if (m.role().equals("user")) s = m.content();
    return s;
  }

  @Override
  public Completion complete(CompletionRequest r) {
    last = r;
    String src = source(r.prompt());
    if (src.contains("FAIL_ENGINE")) throw new EngineException(ErrorKind.ENGINE_ERROR, "the model fell over");
    if (src.contains("FAIL_RATE")) throw new EngineException(ErrorKind.RATE_LIMITED, "too busy");
    if (src.contains("FAIL_ARG")) throw new IllegalArgumentException("prompt too long: 99999 tokens");
    if (src.contains("FAIL_NPE")) throw new NullPointerException("oops");
    List<String> words = new ArrayList<>();
    for (String p : WordTokenizer.pieces(src)) if (!p.isBlank()) words.add(0, " " + p.strip());
    StringBuilder text = new StringBuilder();
    List<TokenLogprob> toks = new ArrayList<>();
    String finish = "stop";
    for (int i = 0; i < words.size(); i++) {
      if (i == r.maxTokens()) {
        finish = "length";
        break;
      }
      String w = words.get(i);
      String next = text + w;
      int cut = stopAt(next, r.stop());
      if (cut >= 0) {
        text.setLength(0);
        text.append(next, 0, cut);
        break;
      }
      text.append(w);
      double lp = -(0.1 * (i + 1) + 0.01 * w.length());
      List<TopLogprob> top = new ArrayList<>();
      if (r.logprobs()) {
        for (int k = 0; k < r.topLogprobs(); k++) {
          top.add(k == 0 ? new TopLogprob(w, tok.id(w), lp) : new TopLogprob(" alt" + k, tok.id(" alt" + k), lp - 0.5 * k));
        }
        toks.add(new TokenLogprob(w, tok.id(w), lp, null, top));
      }
    }
    return new Completion(text.toString(), finish, toks, new Usage(tok.count(src), Math.min(words.size(), r.maxTokens())), null, false);
  }

  private static int stopAt(String text, List<String> stops) {
    int best = -1;
    for (String s : stops) {
      int i = text.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best;
  }

  static double scoreLp(String token, int i) { return -(0.25 + 0.1 * i + 0.01 * token.length()); }

  @Override
  public List<TokenScore> score(String context, String continuation) {
    List<String> pieces = WordTokenizer.pieces(context + continuation);
    List<TokenScore> out = new ArrayList<>();
    int pos = 0;
    for (int i = 0; i < pieces.size(); i++) {
      String p = pieces.get(i);
      if (pos >= context.length()) out.add(new TokenScore(p, tok.id(p), scoreLp(p, i), i % 2 == 0));
      pos += p.length();
    }
    return out;
  }

  @Override
  public List<TokenScore> promptLogprobs(String prompt) {
    List<String> pieces = WordTokenizer.pieces(prompt);
    List<TokenScore> out = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      String p = pieces.get(i);
      out.add(new TokenScore(p, tok.id(p), i == 0 ? Double.NaN : scoreLp(p, i), i != 0 && i % 2 == 0));
    }
    return out;
  }

  @Override
  public NextToken nextToken(Prompt prompt, int topK) {
    Completion c = complete(new CompletionRequest(prompt, 1, 0.0, 1.0, null, List.of(), true, topK, null));
    List<TopLogprob> top = c.tokens().get(0).top();
    double mass = 0;
    for (TopLogprob t : top) mass += Math.exp(t.logprob());
    return new NextToken(top, Math.max(0, 1 - mass), -1, false);
  }

  @Override
  public EngineInfo info() {
    return new EngineInfo("test", "reverse", null, null, null, EnumSet.allOf(Capability.class), Map.of());
  }

  @Override
  public void close() {}

  /** The same engine without {@link PromptScorer}: echo goes through {@code score(firstToken, rest)}. */
  static Engine withoutPromptScorer(ReverseEngine e) {
    return new Engine() {
      @Override public Completion complete(CompletionRequest r) { return e.complete(r); }
      @Override public List<TokenScore> score(String c, String x) { return e.score(c, x); }
      @Override public NextToken nextToken(Prompt p, int k) { return e.nextToken(p, k); }
      @Override public EngineInfo info() { return e.info(); }
      @Override public void close() {}
    };
  }
}
