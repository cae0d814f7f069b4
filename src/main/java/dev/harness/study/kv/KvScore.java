package dev.harness.study.kv;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.metrics.Failure;
import dev.harness.metrics.FailureClassifier;
import dev.harness.metrics.QaMetrics;
import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * score: EM and F1 (LongBench normalisation, max over gold answers, per unit in [0, 1]), {@code answer_loglik} (the best
 * mean per-token log-likelihood over the gold answers, recorded by run) and the failure taxonomy with its evidence. Infrastructure failures get no score (they are excluded from accuracy); other failures still score.
 */
final class KvScore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StudyContext ctx;

  KvScore(StudyContext ctx) { this.ctx = ctx; }

  String execute() {
    List<String> metrics = ctx.config().section(KvStudyConfig.class).scoring().metrics();
    Map<String, List<String>> answers = new HashMap<>();
    for (KvDataTables.PreparedItem it : new KvDataTables(ctx.store()).items(ctx.config().section(KvStudyConfig.class).dataset().datasetId())) {
      answers.put(it.exampleId(), parseAnswers(it.answersJson()));
    }
    List<ScoreFailureTables.ScoreRow> scores = new ArrayList<>();
    List<ScoreFailureTables.FailureRow> failures = new ArrayList<>();
    Map<String, Integer> byType = new TreeMap<>();
    int scored = 0;
    RequestTables runs = new RequestTables(ctx.store());
    Map<String, Double> logliks = metrics.contains("answer_loglik") ? runs.bestAnswerLoglik() : Map.of();
    Set<String> current = KvRun.currentKeys(ctx);
    for (RequestTables.UnitResult u : runs.units()) {
      if (!current.contains(u.unitKey())) continue; // a row of another configuration
      List<String> gold = answers.get(u.itemId());
      if (gold == null) continue; // a unit of an item no longer in the manifest
      List<Failure> found = new ArrayList<>();
      RequestTables.ResponseRow r = u.response();
      if (!r.ok()) {
        found.add(FailureClassifier.fromError(r.errorKind(), r.httpStatus(), r.errorMessage(), r.attempts()));
      } else {
        found.addAll(FailureClassifier.classifyOutput(r.text(), r.finishReason(), u.truncated()));
        String text = r.text() == null ? "" : r.text();
        if (metrics.contains("em")) scores.add(new ScoreFailureTables.ScoreRow(u.unitKey(), "em", QaMetrics.maxExactMatch(text, gold)));
        if (metrics.contains("f1")) scores.add(new ScoreFailureTables.ScoreRow(u.unitKey(), "f1", QaMetrics.maxF1(text, gold)));
        Double ll = logliks.get(u.unitKey());
        if (ll != null && Double.isFinite(ll)) scores.add(new ScoreFailureTables.ScoreRow(u.unitKey(), "answer_loglik", ll));
        scored++;
      }
      for (Failure f : found) {
        failures.add(new ScoreFailureTables.FailureRow(u.unitKey(), f.type().name(), f.type().isInfrastructure(), f.evidence()));
        byType.merge(f.type().name(), 1, Integer::sum);
      }
    }
    new ScoreFailureTables(ctx.store()).replaceAll(scores, failures);
    return scored + " responses scored (" + String.join(", ", metrics) + "), failures by type " + byType;
  }

  static List<String> parseAnswers(String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<String>>() {});
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored answers are not a JSON list: " + json, e);
    }
  }
}
