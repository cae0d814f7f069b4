package dev.harness.study.kv;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.data.Example;
import dev.harness.data.LongBenchPrompt;
import dev.harness.engine.AnswerLoglik;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.CompressedLoglik;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.KvProtocol;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.Telemetry;
import dev.harness.engine.Tokenizer;
import dev.harness.metrics.Failure;
import dev.harness.metrics.FailureClassifier;
import dev.harness.store.RequestTables;
import dev.harness.store.ScoreFailureTables;
import dev.harness.study.Json;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.RunEnvironment;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitFailure;
import dev.harness.study.UnitPool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * run: every manifest entry × budget through the engine, each finished unit committed on its own (a crash loses only
 * the units in flight). Units with a stored ok response are skipped; units whose last attempt failed are retried.
 */
final class KvRun {
  private final StudyContext ctx;

  KvRun(StudyContext ctx) { this.ctx = ctx; }

  /** One request to make: an item at a budget. */
  record Unit(String key, String runId, double budget, KvDataTables.PreparedItem item) {}

  static String variant(EngineConfig e) { return e.label(); }

  static String runId(EngineConfig e, double budget) {
    return KvTransitionStudy.NAME + ":" + variant(e) + ":b=" + budget;
  }

  /** The unit's place plus its identity hash ({@link KvUnitIdentity}): a changed input is a new unit. */
  static String unitKey(ExperimentConfig c, KvDataTables.PreparedItem item, double budget) {
    return KvTransitionStudy.NAME + "|" + variant(c.engine()) + "|" + item.exampleId() + "|b=" + budget + "|s=0|id="
        + dev.harness.study.UnitIdentity.hash(KvUnitIdentity.of(c, item, budget));
  }

  /** The unit keys of the current configuration: score, analyze and report use only these rows. */
  static Set<String> currentKeys(StudyContext ctx) {
    Set<String> keys = new java.util.HashSet<>();
    for (Unit u : allUnits(ctx)) keys.add(u.key());
    return keys;
  }

  static List<Unit> allUnits(StudyContext ctx) {
    ExperimentConfig c = ctx.config();
    List<KvDataTables.PreparedItem> items = new KvDataTables(ctx.store()).items(c.section(KvStudyConfig.class).dataset().datasetId());
    List<Unit> units = new ArrayList<>();
    for (double b : c.section(KvStudyConfig.class).kv().budgets()) {
      for (KvDataTables.PreparedItem it : items) {
        units.add(new Unit(unitKey(c, it, b), runId(c.engine(), b), b, it));
      }
    }
    return units;
  }

  /** Units without any stored response (failed units count as answered: {@code harness run} retries them). */
  static long unansweredUnits(StudyContext ctx) {
    Set<String> done = new RequestTables(ctx.store()).respondedUnitKeys();
    return allUnits(ctx).stream().filter(u -> !done.contains(u.key())).count();
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    List<Unit> units = allUnits(ctx);
    if (units.isEmpty()) {
      throw new PhaseException(Phase.RUN, ctx.configPath(), "no prepared items in " + ctx.store().file()
          + "; run 'harness prepare -c " + ctx.configPath() + "' first", null);
    }
    RequestTables runs = new RequestTables(ctx.store());
    Set<String> done = ctx.forced(Phase.RUN) ? Set.of() : runs.completedUnitKeys(); // --force run: every current unit
    List<Unit> todo = units.stream().filter(u -> !done.contains(u.key())).toList();
    if (todo.isEmpty()) return "all " + units.size() + " units already have responses";

    try (Engine engine = ctx.engines().open(c.engine(), c.section(KvStudyConfig.class).kv(), ctx.configPath())) {
      EngineInfo info = engine.info();
      if (wantsAnswerLoglik(c) && !engine.can(CompressedLoglik.class)) {
        throw new dev.harness.config.ConfigException(ctx.configPath(), "scoring.metrics", "answer_loglik needs capability "
            + dev.harness.engine.Capabilities.describe(CompressedLoglik.class) + ", which the engine (" + info.kind()
            + ", model " + info.model() + ") lacks");
      }
      String configJson = dev.harness.config.ConfigSnapshot.json(c);
      String envJson = Json.write(RunEnvironment.capture());
      for (double b : c.section(KvStudyConfig.class).kv().budgets()) {
        runs.upsertRun(new RequestTables.RunRow(runId(c.engine(), b), KvTransitionStudy.NAME, variant(c.engine()), b,
            c.generation().seed(), info.kind(), c.engine().model(), Json.write(info), configJson, envJson));
      }
      Optional<Tokenizer> tok = ctx.engines().tokenizer(c.engine(), ctx.configPath());
      Integer maxPrompt = maxPromptTokens(c, info);

      AtomicReference<String> firstError = new AtomicReference<>();
      UnitPool.Tally n = UnitPool.each(ctx, Phase.RUN.id(), c.engine().concurrency(), todo,
          u -> runUnit(engine, u, tok, maxPrompt, runs, firstError));
      if (n.ok() == 0 && n.failed() > 0) {
        new KvReport(ctx).failuresOnly();
        throw new PhaseException(Phase.RUN, ctx.configPath(), "every request failed (" + n.failed() + "/" + todo.size()
            + "); first error: " + firstError.get(), null);
      }
      return todo.size() + " units sent (" + n.ok() + " ok, " + n.failed() + " failed after retries), "
          + (units.size() - todo.size()) + " skipped as already done";
    }
  }

  /**
   * Prompts longer than this are cut in the middle (LongBench's rule): {@code generation.max_prompt_tokens}, else
   * {@code engine.max_length}, else the local engine's context window less the tokens to generate.
   */
  static Integer maxPromptTokens(ExperimentConfig c, EngineInfo info) {
    if (c.generation().maxPromptTokens() != null) return c.generation().maxPromptTokens();
    if (c.engine().maxLength() != null) return c.engine().maxLength();
    String window = info.details().get("max_length");
    if (window == null) return null;
    return Math.max(2, Integer.parseInt(window) - c.generation().maxTokens());
  }

  static KvProtocol protocol(ExperimentConfig c) { return KvProtocol.byId(c.section(KvStudyConfig.class).kv().protocol()); }

  static boolean wantsAnswerLoglik(ExperimentConfig c) {
    return c.section(KvStudyConfig.class).scoring().metrics().contains("answer_loglik");
  }

  /** Runs one unit and stores its outcome; returns false when it failed at the infrastructure level. */
  private boolean runUnit(Engine engine, Unit u, Optional<Tokenizer> tok, Integer maxPrompt, RequestTables runs,
      AtomicReference<String> firstError) {
    ExperimentConfig c = ctx.config();
    Example ex = new Example(u.item().exampleId(), u.item().context(), u.item().input(), List.of(), Map.of());
    String text = LongBenchPrompt.build(ex);
    String suffix = LongBenchPrompt.questionPart(ex);
    boolean truncated = false;
    Integer promptTokens = u.item().promptTokens();
    if (maxPrompt != null && tok.isPresent()) {
      LongBenchPrompt.Truncated t = LongBenchPrompt.truncateMiddle(text, tok.get(), maxPrompt);
      truncated = t.truncated();
      text = t.text();
      promptTokens = t.keptTokens();
    }
    Prompt prompt = "completions".equals(c.engine().endpoint()) ? Prompt.text(text) : Prompt.chat(List.of(Message.user(text)));
    Map<String, Object> kvParams = new LinkedHashMap<>(c.section(KvStudyConfig.class).kv().params());
    if (!c.engine().isLocal() && promptTokens != null) {
      kvParams.put("prompt_tokens", promptTokens); // lets {budget_tokens} be computed for server fields
    }
    // the question is always named: under kvpress it runs through the compressed cache (query-aware or not); under
    // full_prefill it is appended after compression when not query-aware
    KvSpec kv = new KvSpec(u.budget() >= 1.0 ? "full" : c.section(KvStudyConfig.class).kv().policy(), u.budget(), kvParams,
        c.section(KvStudyConfig.class).kv().queryAware(), suffix, protocol(c));
    CompletionRequest req = new CompletionRequest(prompt, c.generation().maxTokens(), c.generation().temperature(),
        c.generation().topP(), c.generation().seed(), List.of(), false, 0, kv);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("max_tokens", req.maxTokens());
    params.put("temperature", req.temperature());
    params.put("top_p", req.topP());
    params.put("seed", req.seed());
    params.put("kv_policy", kv.policy());
    params.put("kv_budget", kv.budget());
    params.put("kv_params", kv.params());
    params.put("query_aware", kv.queryAware());
    params.put("kv_protocol", kv.protocol().id());
    params.put("prompt_format", prompt.isChat() ? "chat" : "text");
    RequestTables.RequestRow request = new RequestTables.RequestRow(u.key(), u.runId(), u.item().exampleId(), 0, Json.sha256(text),
        text.length(), promptTokens, truncated, Json.write(params));
    long t0 = System.nanoTime();
    try {
      Completion out = engine.complete(req);
      List<RequestTables.AnswerLoglikRow> logliks = new ArrayList<>();
      java.util.Optional<CompressedLoglik> loglik = wantsAnswerLoglik(c) ? engine.as(CompressedLoglik.class)
          : java.util.Optional.empty();
      if (loglik.isPresent()) {
        CompressedLoglik local = loglik.get();
        List<String> golds = KvScore.parseAnswers(u.item().answersJson());
        for (int i = 0; i < golds.size(); i++) {
          AnswerLoglik a = local.answerLoglik(prompt, " " + golds.get(i).strip(), kv);
          logliks.add(new RequestTables.AnswerLoglikRow(i, golds.get(i), a.sum(), a.nTokens(),
              a.nTokens() == 0 ? Double.NaN : a.meanPerToken()));
        }
      }
      boolean wasTruncated = truncated || out.truncatedPrompt();
      Telemetry t = out.telemetry();
      RequestTables.RequestRow r = wasTruncated == truncated ? request : new RequestTables.RequestRow(request.unitKey(),
          request.runId(), request.itemId(), 0, request.promptSha256(), request.promptChars(), request.promptTokens(),
          true, request.paramsJson());
      runs.recordUnit(r,
          new RequestTables.ResponseRow("ok", out.text(), out.finishReason(), positive(out.usage().promptTokens()),
              positive(out.usage().completionTokens()), out.tokens().isEmpty() ? null : Json.write(out.tokens()),
              null, null, t == null ? null : t.httpStatus(), t == null ? 1 : t.attempts()),
          telemetryRow(t, out, t0), logliks);
      return true;
    } catch (RuntimeException e) {
      UnitFailure f = UnitFailure.of(e);
      firstError.compareAndSet(null, f.kind() + (f.httpStatus() == null ? "" : " status=" + f.httpStatus()) + ": " + f.message());
      double ms = (System.nanoTime() - t0) / 1e6;
      runs.recordUnit(request, new RequestTables.ResponseRow("error", null, null, null, null, null, f.kind(),
          f.message(), f.httpStatus(), f.attempts()),
          new RequestTables.TelemetryRow(ms, null, f.httpStatus(), f.attempts(), null, null, null, null, null, null, null,
              null, null));
      // the evidence is kept as the unit fails, not only when score runs (issue 12 item 5)
      Failure failure = FailureClassifier.fromError(f.kind(), f.httpStatus(), f.message(), f.attempts());
      new ScoreFailureTables(ctx.store()).replaceUnitFailures(u.key(), List.of(new ScoreFailureTables.FailureRow(u.key(),
          failure.type().name(), failure.type().isInfrastructure(), failure.evidence())));
      return false;
    }
  }

  private static Integer positive(int v) { return v < 0 ? null : v; }

  private static RequestTables.TelemetryRow telemetryRow(Telemetry t, Completion out, long t0) {
    double wall = (System.nanoTime() - t0) / 1e6;
    if (t == null) {
      return new RequestTables.TelemetryRow(wall, null, null, 1, positive(out.usage().promptTokens()),
          positive(out.usage().completionTokens()), null, null, null, null, null, null, null);
    }
    int completionTokens = out.usage().completionTokens();
    return new RequestTables.TelemetryRow(t.latencyMs(), t.ttftMs(), t.httpStatus(), t.attempts(),
        positive(out.usage().promptTokens()), positive(completionTokens), t.prefillMs(), t.decodeMs(),
        t.decodeTokensPerSecond(completionTokens), t.kvFullBytes(), t.kvKeptBytes(), t.peakRssBytes(),
        t.extra().isEmpty() ? null : Json.write(t.extra()));
  }
}
