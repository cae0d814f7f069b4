package dev.harness.study.kl;

import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.Engine;
import dev.harness.engine.IdScoring;
import dev.harness.engine.TokenIds;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.study.Progress;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * run, second part (teacher forcing): every ok sample of A is scored under B and every ok sample of B under A, on
 * exactly the sampled tokens. A scorer with {@link TokenIds} and {@link IdScoring} (the local engine):
 * {@link IdScoring#scoreIdsTop} on the prompt's ids plus the sampled ids
 * (log-probs and top-k as generation computes them). HTTP scorer: {@link Engine#score} (completions echo / vLLM
 * prompt_logprobs) of the response text after the prompt text; a server that re-tokenises the text into other tokens
 * is recorded as a failure (RETOKENIZED) rather than misaligned. Each scored sample is committed on its own.
 */
final class KlCrossScoring {
  private final StudyContext ctx;
  private final KlTables tables;

  KlCrossScoring(StudyContext ctx) {
    this.ctx = ctx;
    this.tables = new KlTables(ctx.store());
  }

  /** The ok samples of {@code sampler} still without ok scores under {@code scorer}. */
  List<KlTables.SampleRow> todo(String sampler, EngineConfig scorer, boolean force) {
    java.util.Set<String> done = force ? java.util.Set.of() : tables.okCrossKeys();
    String label = KlUnits.crossScorer(ctx.config(), scorer);
    return KlUnits.current(ctx.config(), tables, tables.samples()).stream()
        .filter(s -> s.ok() && s.variant().equals(sampler) && !done.contains(s.unitKey() + "|" + label)).toList();
  }

  /**
   * Token-level estimators need one vocabulary: refuse (exit 2) when both variants' tokenizer fingerprints are known
   * and differ.
   */
  static void checkSameTokenizer(StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    KlUnits.Pair p = KlUnits.pair(c);
    Map<String, String> fp = KlSampling.fingerprints(ctx);
    String a = fp.get(p.nameA()), b = fp.get(p.nameB());
    if (a != null && b != null && !a.equals(b)) {
      throw new ConfigException(ctx.configPath(), "kl.estimator", "'" + c.section(KlStudyConfig.class).kl().estimator() + "' is a token-level"
          + " estimator, but engines[" + p.indexA() + "] '" + p.nameA() + "' (" + p.a().model() + ", vocabulary "
          + a + ") and engines[" + p.indexB() + "] '" + p.nameB() + "' (" + p.b().model() + ", vocabulary " + b
          + ") use different tokenizers: token-level KL is undefined across vocabularies. Compare at the text level"
          + " instead: set kl.estimator: text_mc (the per-sequence log-probability of the same response text under"
          + " each model with its own tokenisation)");
    }
  }

  /** Scores {@code samples} (of another variant) under the open engine of {@code scorer}; returns {ok, failed}. */
  int[] score(EngineConfig scorer, Engine engine, List<KlTables.SampleRow> samples) {
    Map<String, KlTables.PromptRow> prompts = new java.util.HashMap<>();
    tables.prompts().forEach(p -> prompts.put(p.promptId(), p));
    int ok = 0, failed = 0;
    String model = engine.info().model();
    String label = KlUnits.crossScorer(ctx.config(), scorer);
    IdScoring byIds = engine.as(IdScoring.class).orElse(null);
    TokenIds ids = byIds == null ? null : engine.as(TokenIds.class).orElse(null);
    boolean batched = ids != null && "mc".equals(ctx.config().section(KlStudyConfig.class).kl().estimator());
    try (Progress progress = new Progress("teacher forcing under " + scorer.name(), samples.size(), ctx.err())) {
      if (batched) {
        Map<String, List<KlTables.SampleRow>> byPrompt = new java.util.LinkedHashMap<>();
        for (KlTables.SampleRow s : samples) byPrompt.computeIfAbsent(s.promptId(), k -> new ArrayList<>()).add(s);
        for (List<KlTables.SampleRow> group : byPrompt.values()) {
          for (KlTables.CrossRow row : idBatch(ids, byIds, scorer, prompts.get(group.get(0).promptId())
              .text(), group, model)) {
            if (row.ok()) ok++;
            else failed++;
            progress.step(ok + " ok, " + failed + " failed");
          }
        }
        return new int[] {ok, failed};
      }
      Map<String, int[]> contexts = new java.util.HashMap<>(); // the scorer's prompt ids, rendered once per prompt
      for (KlTables.SampleRow s : samples) {
        long t0 = System.nanoTime();
        List<TokenLogprob> own = KlResponses.tokens(tables.tokens(s.unitKey(), s.variant()));
        String promptText = prompts.get(s.promptId()).text();
        KlTables.CrossRow row;
        List<KlTables.TokenRow> rows = List.of();
        try {
          List<TokenLogprob> scored = ids != null
              ? byIds(byIds, contexts.computeIfAbsent(s.promptId(),
                  k -> KlSampling.promptIds(ctx.config(), ids, promptText, scorer)), own)
              : http(engine, promptText, s.text(), own);
          String mismatch = mismatch(own, scored);
          double ms = (System.nanoTime() - t0) / 1e6;
          if (mismatch != null) {
            row = new KlTables.CrossRow(s.unitKey(), label, "error", model, scored.size(), "RETOKENIZED",
                mismatch, ms);
          } else {
            row = new KlTables.CrossRow(s.unitKey(), label, "ok", model, scored.size(), null, null, ms);
            rows = KlResponses.rows(scored);
          }
        } catch (RuntimeException e) {
          row = failedRow(s.unitKey(), label, model, e, t0);
        }
        tables.recordCross(row, rows);
        if (row.ok()) ok++;
        else failed++;
        progress.step(ok + " ok, " + failed + " failed");
      }
    }
    return new int[] {ok, failed};
  }

  /**
   * The row of a scoring that threw: an engine's failure keeps its kind and message; any other exception is an
   * {@code ENGINE_ERROR} named by its class. {@code t0} is the {@link System#nanoTime()} the scoring started at.
   */
  static KlTables.CrossRow failedRow(String unitKey, String scorer, String model, RuntimeException e, long t0) {
    UnitFailure f = UnitFailure.of(e);
    return new KlTables.CrossRow(unitKey, scorer, "error", model, null, f.kind(), f.message(), (System.nanoTime() - t0) / 1e6);
  }

  /**
   * mc needs only the scorer's log-prob of each sampled token: the samples of one prompt are teacher-forced in one
   * left-padded batch ({@link IdScoring#scoreIdsBatch}), without top-k.
   */
  private List<KlTables.CrossRow> idBatch(TokenIds local, IdScoring scoring, EngineConfig scorer, String promptText,
      List<KlTables.SampleRow> group, String model) {
    long t0 = System.nanoTime();
    String label = KlUnits.crossScorer(ctx.config(), scorer);
    List<KlTables.CrossRow> out = new ArrayList<>();
    try {
      int[] context = KlSampling.promptIds(ctx.config(), local, promptText, scorer);
      List<List<TokenLogprob>> owns = new ArrayList<>();
      List<int[]> contexts = new ArrayList<>(), conts = new ArrayList<>();
      for (KlTables.SampleRow s : group) {
        List<TokenLogprob> own = KlResponses.tokens(tables.tokens(s.unitKey(), s.variant()));
        owns.add(own);
        contexts.add(context);
        conts.add(ids(own));
      }
      List<List<TokenScore>> scores = scoring.scoreIdsBatch(contexts, conts);
      double ms = (System.nanoTime() - t0) / 1e6;
      for (int i = 0; i < group.size(); i++) {
        List<TokenLogprob> own = owns.get(i);
        List<TokenLogprob> scored = new ArrayList<>(own.size());
        List<TokenScore> sc = scores.get(i);
        for (int t = 0; t < sc.size(); t++) {
          scored.add(new TokenLogprob(own.get(t).token(), sc.get(t).id(), sc.get(t).logprob(), null, List.of()));
        }
        String mismatch = mismatch(own, scored);
        KlTables.CrossRow row = mismatch == null
            ? new KlTables.CrossRow(group.get(i).unitKey(), label, "ok", model, scored.size(), null, null, ms)
            : new KlTables.CrossRow(group.get(i).unitKey(), label, "error", model, scored.size(),
                "RETOKENIZED", mismatch, ms);
        tables.recordCross(row, row.ok() ? KlResponses.rows(scored) : List.of());
        out.add(row);
      }
    } catch (RuntimeException e) {
      for (KlTables.SampleRow s : group.subList(out.size(), group.size())) {
        KlTables.CrossRow row = failedRow(s.unitKey(), label, model, e, t0);
        tables.recordCross(row, List.of());
        out.add(row);
      }
    }
    return out;
  }

  private static int[] ids(List<TokenLogprob> own) {
    int[] ids = new int[own.size()];
    for (int i = 0; i < ids.length; i++) {
      if (own.get(i).id() < 0) throw new IllegalStateException("sampled token " + i + " has no id");
      ids[i] = own.get(i).id();
    }
    return ids;
  }

  private List<TokenLogprob> byIds(IdScoring local, int[] context, List<TokenLogprob> own) {
    List<TokenLogprob> scored = local.scoreIdsTop(context, ids(own), ctx.config().section(KlStudyConfig.class).kl().topLogprobs());
    // the same ids decode to the same pieces; keep the sample's own texts so that the dump lines align by text
    List<TokenLogprob> out = new ArrayList<>(scored.size());
    for (int i = 0; i < scored.size(); i++) {
      TokenLogprob t = scored.get(i);
      out.add(new TokenLogprob(own.get(i).token(), t.id(), t.logprob(), null, t.top()));
    }
    return out;
  }

  private static List<TokenLogprob> http(Engine engine, String promptText, String responseText,
      List<TokenLogprob> own) {
    List<TokenScore> scores = engine.score(promptText, responseText);
    List<TokenLogprob> out = new ArrayList<>(scores.size());
    for (TokenScore t : scores) out.add(new TokenLogprob(t.token(), t.id(), t.logprob(), null, List.of()));
    return out;
  }

  /** Null when the scored tokens are the sampled ones one to one, else what differs. */
  static String mismatch(List<TokenLogprob> own, List<TokenLogprob> scored) {
    if (own.size() != scored.size()) {
      return "the scorer split the response into " + scored.size() + " tokens, the sample has " + own.size();
    }
    for (int i = 0; i < own.size(); i++) {
      if (!own.get(i).token().equals(scored.get(i).token())) {
        return "token " + i + " differs: sampled '" + own.get(i).token() + "', scored '" + scored.get(i).token() + "'";
      }
    }
    return null;
  }
}
