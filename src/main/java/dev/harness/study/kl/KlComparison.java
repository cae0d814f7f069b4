package dev.harness.study.kl;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.HarnessException;
import dev.harness.metrics.kl.Estimator;
import dev.harness.metrics.kl.KlFlag;
import dev.harness.metrics.kl.KlOptions;
import dev.harness.metrics.kl.PromptDivergence;
import dev.harness.metrics.kl.PromptEstimator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares two response dumps prompt by prompt: pass 1 indexes both files ({@link DumpIndex}: offsets only), then
 * each prompt present in both is read, estimated and forgotten, so memory holds one prompt's tokens at a time plus
 * a few dozen bytes per line and one result per prompt.
 */
public final class KlComparison {
  /** Below this overlap of token texts (and with different model names) the tokenizers evidently differ. */
  public static final double MIN_VOCAB_OVERLAP = 0.5;

  /** What to compute. */
  public record Settings(Estimator estimator, Alignment alignment, KlOptions options, boolean sameTokenizer) {}

  private KlComparison() {}

  static ObjectMapper mapper() {
    return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  public static DumpComparison run(Path a, Path b, Settings s) {
    ObjectMapper mapper = mapper();
    DumpIssues issues = new DumpIssues();
    DumpIndex ia = DumpIndex.build(a, "A", mapper, issues);
    DumpIndex ib = DumpIndex.build(b, "B", mapper, issues);
    if (!s.sameTokenizer()) checkTokenizers(ia, ib);
    if (s.estimator() == null) s = new Settings(auto(ia, ib), s.alignment(), s.options(), s.sameTokenizer());
    boolean forced = switch (s.estimator()) {
      case MC -> {
        if (ia.linesWithCross() == 0 && ib.linesWithCross() == 0) {
          throw HarnessException.usage("--estimator mc needs teacher-forced scores (each line's \"cross\": the other"
              + " model's log-probs of exactly that response's tokens), and neither " + a + " nor " + b + " has any;"
              + " plain dumps of independent samples cannot give log b(y) for A's tokens. Use --estimator topk_rest"
              + " (a lower bound from the top-k), or score A's samples under B (local engine score / vLLM echo)");
        }
        yield true;
      }
      case TOPK_REST -> ia.linesWithCross() > 0 || ib.linesWithCross() > 0;
      case TOPK_LOOKUP -> false;
      case TEXT_MC -> throw HarnessException.usage("--estimator text_mc scores each response text under both models,"
          + " which needs the models themselves: run the kl study with kl.estimator: text_mc (dumps hold token"
          + " log-probs only)");
    };
    if (forced) {
      for (DumpIndex ix : List.of(ia, ib)) {
        if (ix.linesWithCross() == 0) continue; // that direction is simply absent (flag ONE_DIRECTION)
        for (String id : ix.promptIds()) {
          for (LineRef r : ix.refs(id)) {
            if (r.hasLogprobs() && !r.hasCross()) {
              issues.add(DumpIssues.Kind.MISSING_CROSS, ix.path().getFileName() + ":" + r.lineNo());
            }
          }
        }
      }
    }
    Set<KlFlag> baseFlags = EnumSet.noneOf(KlFlag.class);
    if (!forced && s.estimator() == Estimator.TOPK_REST && s.alignment() == Alignment.POSITIONAL) {
      baseFlags.add(KlFlag.POSITIONAL_ALIGNMENT);
    }
    if (s.estimator() == Estimator.TOPK_LOOKUP) baseFlags.add(KlFlag.POSITIONAL_ALIGNMENT);
    List<PromptDivergence> results = new ArrayList<>();
    try (RandomAccessFile fa = ia.open(); RandomAccessFile fb = ib.open()) {
      for (String id : ia.promptIds()) {
        if (!ib.promptIds().contains(id)) {
          issues.add(DumpIssues.Kind.ONLY_IN_A, a.getFileName() + ":" + ia.refs(id).get(0).lineNo() + ": " + id);
          continue;
        }
        List<DumpRecord> ra = ia.read(fa, id, mapper), rb = ib.read(fb, id, mapper);
        if (!ra.get(0).prompt().equals(rb.get(0).prompt())) {
          issues.add(DumpIssues.Kind.PROMPT_TEXT_DIFFERS, ra.get(0).where() + " vs " + rb.get(0).where());
        }
        PairBuilder.Built built = PairBuilder.build(s.estimator(), forced, s.alignment(), ra, rb);
        for (int u = 0; u < built.unpaired(); u++) {
          issues.add(DumpIssues.Kind.UNPAIRED_SAMPLES, "prompt_id " + id + " (" + ra.size() + " in A, " + rb.size()
              + " in B)");
        }
        Set<KlFlag> flags = EnumSet.noneOf(KlFlag.class);
        flags.addAll(baseFlags);
        // the merge of equal texts only matters to estimators that read the top-k lists (mc reads none)
        if (built.duplicateText() && s.estimator() != Estimator.MC) flags.add(KlFlag.DUPLICATE_TOKEN_TEXT);
        PromptDivergence d = PromptEstimator.estimate(id, s.estimator(), built.pairs(), s.options(), flags);
        if (Double.isNaN(d.value())) {
          issues.add(DumpIssues.Kind.NOT_COMPARABLE, "prompt_id " + id + " (" + ra.get(0).where() + ")");
        }
        results.add(d);
      }
    } catch (IOException e) {
      throw HarnessException.failure("closing dumps: " + e.getMessage(), e);
    }
    for (String id : ib.promptIds()) {
      if (!ia.promptIds().contains(id)) {
        issues.add(DumpIssues.Kind.ONLY_IN_B, b.getFileName() + ":" + ib.refs(id).get(0).lineNo() + ": " + id);
      }
    }
    results.sort(RANKING);
    return new DumpComparison(ia, ib, s.estimator(), s.alignment(), forced, s.options(), List.copyOf(results),
        KlSummary.of(results), issues);
  }

  /**
   * The estimator chosen when none is named: mc when either dump carries teacher-forced scores (cross: the only
   * unbiased estimator, and one that needs no top-k), else topk_rest (a lower bound from the top-k lists).
   */
  static Estimator auto(DumpIndex a, DumpIndex b) {
    return a.linesWithCross() > 0 || b.linesWithCross() > 0 ? Estimator.MC : Estimator.TOPK_REST;
  }

  /** Descending value; +∞ first, NaN last; ties by prompt id. */
  static final Comparator<PromptDivergence> RANKING = Comparator
      .comparingDouble((PromptDivergence d) -> Double.isNaN(d.value()) ? Double.NEGATIVE_INFINITY : d.value())
      .reversed()
      .thenComparing(d -> Double.isNaN(d.value()))
      .thenComparing(PromptDivergence::promptId);

  /**
   * The tokenizer heuristic: token-level estimators are refused when the dumps name different models AND the token
   * texts of their first {@value DumpIndex#VOCAB_SAMPLE_LINES} responses (sampled and top-k) overlap by less than
   * {@link #MIN_VOCAB_OVERLAP} (|A ∩ B| / min(|A|, |B|)): e.g. "▁the" vs "Ġthe" vs " the". Servers that decode tokens
   * to plain text can hide a difference; {@code --same-tokenizer} skips the check.
   */
  static void checkTokenizers(DumpIndex a, DumpIndex b) {
    Set<String> ta = a.tokenTexts(), tb = b.tokenTexts();
    if (ta.isEmpty() || tb.isEmpty()) return;
    if (a.models().equals(b.models())) return;
    Set<String> inter = new HashSet<>(ta);
    inter.retainAll(tb);
    double overlap = (double) inter.size() / Math.min(ta.size(), tb.size());
    if (overlap < MIN_VOCAB_OVERLAP) {
      throw HarnessException.usage(String.format(java.util.Locale.ROOT,
          "%s (model %s) and %s (model %s) evidently use different tokenizers: only %.0f%% of token texts are shared;"
              + " token-level KL is undefined across vocabularies. Compare at the text level instead (score each"
              + " model's responses under the other: per-sequence log-probabilities of the same strings; the kl study does this"
              + " with kl.estimator: text_mc), or pass"
              + " --same-tokenizer if they do share one",
          a.path(), String.join(",", a.models()), b.path(), String.join(",", b.models()), 100 * overlap));
    }
  }
}
