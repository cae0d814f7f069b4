package dev.harness.study.kl;

import dev.harness.config.EngineConfig;
import dev.harness.engine.Engine;
import dev.harness.engine.IdScoring;
import dev.harness.engine.TokenIds;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.study.Progress;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * run, second part for {@code text_mc}: every ok sample text of the pair (A's and B's) is scored under each of A and
 * B, each model with its own tokenisation: {@link Engine#score}(prompt, text); on an engine
 * with {@link TokenIds} and {@link IdScoring} (the local engine): {@link IdScoring#scoreIds} of the prompt's ids exactly
 * as sampling built them ({@link KlSampling#promptIds}) and the text's ids after that rendered prompt
 * ({@link TokenIds#continuationIds}). Stored in {@code cross_scores}
 * and {@code token_logprobs} under the scorer name {@code text:<variant>#<scorer identity hash>} (apart from the sample's own sampled
 * tokens); the sequence log-probability is the sum of its rows. Each scored sample is committed on its own.
 */
final class KlTextScoring {
  static final String PREFIX = "text:";
  private final StudyContext ctx;
  private final KlTables tables;

  KlTextScoring(StudyContext ctx) {
    this.ctx = ctx;
    this.tables = new KlTables(ctx.store());
  }

  /** The stored scorer name of text scores under {@code variant}: {@code text:<variant>#<scorer identity hash>}. */
  static String scorer(dev.harness.config.ExperimentConfig c, EngineConfig variant) {
    return PREFIX + KlUnits.crossScorer(c, variant);
  }

  /** The ok samples of the pair without an ok text score under {@code scorer}. */
  List<KlTables.SampleRow> todo(KlUnits.Pair p, EngineConfig scorer, boolean force) {
    Set<String> done = force ? Set.of() : tables.okCrossKeys();
    String label = scorer(ctx.config(), scorer);
    return KlUnits.current(ctx.config(), tables, tables.samples()).stream().filter(s -> s.ok()
        && (s.variant().equals(p.nameA()) || s.variant().equals(p.nameB())) && !done.contains(s.unitKey() + "|" + label))
        .toList();
  }

  /** Text samples of the pair still missing a text score under A or B (for {@code outputsExist}). */
  static long missing(dev.harness.config.ExperimentConfig c, KlTables t, KlUnits.Pair p) {
    Set<String> done = t.okCrossKeys();
    List<String> labels = List.of(scorer(c, p.a()), scorer(c, p.b()));
    long n = 0;
    for (KlTables.SampleRow s : KlUnits.current(c, t, t.samples())) {
      if (!s.ok() || !(s.variant().equals(p.nameA()) || s.variant().equals(p.nameB()))) continue;
      for (String v : labels) if (!done.contains(s.unitKey() + "|" + v)) n++;
    }
    return n;
  }

  /** Scores {@code samples} under the open engine of {@code scorer}; returns {ok, failed}. */
  int[] score(EngineConfig scorer, Engine engine, List<KlTables.SampleRow> samples) {
    Map<String, KlTables.PromptRow> prompts = new HashMap<>();
    tables.prompts().forEach(p -> prompts.put(p.promptId(), p));
    int ok = 0, failed = 0;
    String model = engine.info().model();
    String name = scorer(ctx.config(), scorer);
    Map<String, int[]> contexts = new HashMap<>(); // the scorer's prompt ids, rendered once per prompt
    IdScoring byIds = engine.as(IdScoring.class).orElse(null);
    TokenIds ids = byIds == null ? null : engine.as(TokenIds.class).orElse(null);
    try (Progress progress = new Progress("text scoring under " + scorer.name(), samples.size(), ctx.err())) {
      for (KlTables.SampleRow s : samples) {
        long t0 = System.nanoTime();
        String promptText = prompts.get(s.promptId()).text();
        String text = s.text() == null ? "" : s.text();
        KlTables.CrossRow row;
        List<KlTables.TokenRow> rows = List.of();
        try {
          List<TokenScore> scores = ids != null
              ? byIds.scoreIds(contexts.computeIfAbsent(s.promptId(),
                      k -> KlSampling.promptIds(ctx.config(), ids, promptText, scorer)),
                  ids.continuationIds(KlSampling.prompt(scorer, promptText), text))
              : text.isEmpty() ? List.of() : engine.score(promptText, text);
          List<TokenLogprob> lp = new ArrayList<>(scores.size());
          for (TokenScore t : scores) lp.add(new TokenLogprob(t.token(), t.id(), t.logprob(), null, List.of()));
          row = new KlTables.CrossRow(s.unitKey(), name, "ok", model, lp.size(), null, null,
              (System.nanoTime() - t0) / 1e6);
          rows = KlResponses.rows(lp);
        } catch (RuntimeException e) {
          row = KlCrossScoring.failedRow(s.unitKey(), name, model, e, t0);
        }
        tables.recordCross(row, rows);
        if (row.ok()) ok++;
        else failed++;
        progress.step(ok + " ok, " + failed + " failed");
      }
    }
    return new int[] {ok, failed};
  }

  /** The stored text-score sums, read once for {@link #sequenceLogprob}. */
  Map<String, Double> sums() { return tables.logprobSums(PREFIX); }

  /**
   * log p(text) under {@code scorer} of one sample: the sum of its stored text-score rows (0 for an empty text); NaN
   * when the scoring is absent or failed.
   */
  static double sequenceLogprob(String unitKey, String scorerLabel, Set<String> okKeys, Map<String, Double> sums) {
    String key = unitKey + "|" + scorerLabel;
    return okKeys.contains(key) ? sums.getOrDefault(key, 0.0) : Double.NaN;
  }
}
