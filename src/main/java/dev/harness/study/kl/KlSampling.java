package dev.harness.study.kl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.IdGeneration;
import dev.harness.engine.InProcess;
import dev.harness.engine.Message;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenIds;
import dev.harness.store.RequestTables;
import dev.harness.study.EngineIdentity;
import dev.harness.study.Json;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.RunEnvironment;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitFailure;
import dev.harness.study.UnitIdentity;
import dev.harness.study.UnitPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * run, first part: every variant × prompt × sample index is one unit, sampled at the configured temperature with a
 * per-unit seed, per-token log-probs and top-k, and committed on its own (a crash loses only units in flight). Stored
 * ok units are skipped; failed ones are retried. A response without log-probs is a failure (MISSING_LOGPROBS) with
 * the model and provider as evidence. Variants are opened one at a time.
 */
final class KlSampling {
  static final String MISSING_LOGPROBS = "MISSING_LOGPROBS";
  /** The provider an OpenAI-compatible engine names in its error (OpenRouter), e.g. "(provider Foo)". */
  private static final java.util.regex.Pattern PROVIDER = java.util.regex.Pattern.compile("\\(provider ([^)]+)\\)");
  private final StudyContext ctx;
  private final KlTables tables;

  KlSampling(StudyContext ctx) {
    this.ctx = ctx;
    this.tables = new KlTables(ctx.store());
  }

  /** One unit to sample. */
  record Unit(String key, String variant, KlTables.PromptRow prompt, int sample, long seed) {}

  static List<Unit> units(ExperimentConfig c, List<KlTables.PromptRow> prompts, EngineConfig variant) {
    List<Unit> out = new ArrayList<>();
    EngineIdentity engine = EngineIdentity.of(variant);
    for (KlTables.PromptRow p : prompts) {
      String id = UnitIdentity.hash(KlUnitIdentity.of(c, engine, p));
      for (int s = 0; s < c.section(KlStudyConfig.class).kl().samples(); s++) {
        out.add(new Unit(KlUnits.unitKey(variant.name(), p.promptId(), s, id), variant.name(), p, s,
            KlUnits.seed(c.generation().seed(), variant.name(), p.promptId(), s)));
      }
    }
    return out;
  }

  /** Outcome counts of one variant's sampling. */
  record Counts(int sent, int ok, int failed, int missingLogprobs) {}

  /** Samples the missing units of one variant with its (open) engine. */
  Counts sample(EngineConfig variant, Engine engine, List<Unit> todo) {
    ExperimentConfig c = ctx.config();
    AtomicInteger missing = new AtomicInteger();
    int threads = engine.can(InProcess.class) ? 1 : variant.concurrency();
    List<UnitPool.Task> tasks = new ArrayList<>();
    java.util.Optional<IdGeneration> byIds = engine.as(IdGeneration.class);
    java.util.Optional<TokenIds> ids = byIds.isPresent() ? engine.as(TokenIds.class) : java.util.Optional.empty();
    if (ids.isPresent()) {
      Map<String, List<Unit>> byPrompt = new java.util.LinkedHashMap<>();
      for (Unit u : todo) byPrompt.computeIfAbsent(u.prompt().promptId(), k -> new ArrayList<>()).add(u);
      for (List<Unit> group : byPrompt.values()) {
        tasks.add(outcome -> sampleIds(c, variant, engine, ids.get(), byIds.get(), group)
            .forEach(row -> count(row, outcome, missing)));
      }
    } else {
      for (Unit u : todo) tasks.add(outcome -> count(sampleOne(c, variant, engine, u), outcome, missing));
    }
    UnitPool.Tally n = UnitPool.run(ctx, "run " + variant.name(), threads, todo.size(), tasks);
    return new Counts(n.sent(), n.ok(), n.failed(), missing.get());
  }

  private static void count(KlTables.SampleRow row, UnitPool.Outcome outcome, AtomicInteger missing) {
    if (!row.ok() && MISSING_LOGPROBS.equals(row.errorKind())) missing.incrementAndGet();
    outcome.record(row.ok());
  }

  /** The prompt as the variant's endpoint sees it: chat messages, or raw text for completions. */
  static Prompt prompt(EngineConfig variant, String text) {
    return "completions".equals(variant.endpoint()) ? Prompt.text(text) : Prompt.chat(List.of(Message.user(text)));
  }

  /**
   * A prompt's token ids, cut in the middle to {@code generation.max_prompt_tokens}, else to the window less the
   * tokens to generate (the same rule for sampling and teacher forcing, so both see the same context).
   */
  static int[] promptIds(ExperimentConfig c, TokenIds local, String text, EngineConfig variant) {
    int[] ids = local.promptIds(prompt(variant, text));
    Integer max = c.generation().maxPromptTokens();
    int room = max != null ? max : Math.max(2, local.contextWindow() - c.generation().maxTokens() - 1);
    if (ids.length <= room) return ids;
    int head = room / 2, tail = room - head;
    int[] out = new int[room];
    System.arraycopy(ids, 0, out, 0, head);
    System.arraycopy(ids, ids.length - tail, out, head, tail);
    return out;
  }

  private CompletionRequest request(ExperimentConfig c, EngineConfig variant, Unit u) {
    return new CompletionRequest(prompt(variant, u.prompt().text()), c.generation().maxTokens(),
        c.generation().temperature(), c.generation().topP(), u.seed(), List.of(), true, c.section(KlStudyConfig.class).kl().topLogprobs(), null);
  }

  /** HTTP: one request per unit (the pool runs several at once). */
  private KlTables.SampleRow sampleOne(ExperimentConfig c, EngineConfig variant, Engine engine, Unit u) {
    long t0 = System.nanoTime();
    try {
      Completion out = engine.complete(request(c, variant, u));
      Integer promptTokens = out.usage().promptTokens() < 0 ? null : out.usage().promptTokens();
      return record(u, engine, out, promptTokens, out.truncatedPrompt(), (System.nanoTime() - t0) / 1e6);
    } catch (RuntimeException e) {
      return recordError(u, variant, e, (System.nanoTime() - t0) / 1e6);
    }
  }

  /**
   * An engine with {@link TokenIds} and {@link IdGeneration} (the local one): the units of one prompt in one batched
   * generation, each with its own seed, on the prompt's ids cut as {@link #promptIds} says.
   */
  private List<KlTables.SampleRow> sampleIds(ExperimentConfig c, EngineConfig variant, Engine engine, TokenIds local,
      IdGeneration generation, List<Unit> units) {
    long t0 = System.nanoTime();
    List<KlTables.SampleRow> rows = new ArrayList<>();
    try {
      String text = units.get(0).prompt().text();
      int[] ids = promptIds(c, local, text, variant);
      boolean cut = ids.length < local.promptIds(prompt(variant, text)).length;
      List<int[]> prompts = new ArrayList<>();
      List<CompletionRequest> reqs = new ArrayList<>();
      for (Unit u : units) {
        prompts.add(ids);
        reqs.add(request(c, variant, u));
      }
      List<Completion> outs = generation.completeIds(prompts, reqs);
      double ms = (System.nanoTime() - t0) / 1e6;
      for (int i = 0; i < units.size(); i++) {
        rows.add(record(units.get(i), engine, outs.get(i), ids.length, cut || outs.get(i).truncatedPrompt(), ms));
      }
    } catch (RuntimeException e) {
      for (Unit u : units.subList(rows.size(), units.size())) {
        rows.add(recordError(u, variant, e, (System.nanoTime() - t0) / 1e6));
      }
    }
    return rows;
  }

  /** Stores a completion: ok with its tokens, or MISSING_LOGPROBS when it carries none. */
  private KlTables.SampleRow record(Unit u, Engine engine, Completion out, Integer promptTokens, boolean cut,
      double ms) {
    String model = engine.info().model();
    Map<String, Object> extra = out.telemetry() == null ? Map.of() : out.telemetry().extra();
    String provider = extra.get("provider") == null ? null : extra.get("provider").toString();
    int attempts = out.telemetry() == null ? 1 : out.telemetry().attempts();
    Integer status = out.telemetry() == null ? null : out.telemetry().httpStatus();
    KlTables.SampleRow row;
    if (out.tokens().isEmpty()) {
      row = new KlTables.SampleRow(u.key(), u.variant(), u.prompt().promptId(), u.sample(), u.seed(), "error", model,
          provider, out.text(), out.finishReason(), promptTokens, null, cut, MISSING_LOGPROBS,
          "the response carries no per-token log-probs (model " + model + ", provider "
              + (provider == null ? "not named" : provider) + ", " + out.text().length() + " characters of text)",
          status, attempts, ms, null);
      tables.recordSample(row, List.of());
      return row;
    }
    ObjectNode response = KlResponses.chat(model, provider, out.text(), out.finishReason(), out.tokens(),
        promptTokens);
    row = new KlTables.SampleRow(u.key(), u.variant(), u.prompt().promptId(), u.sample(), u.seed(), "ok", model,
        provider, out.text(), out.finishReason(), promptTokens, out.tokens().size(), cut, null, null, status,
        attempts, ms, response.toString());
    tables.recordSample(row, KlResponses.rows(out.tokens()));
    return row;
  }

  /** Stores a failed unit with its evidence (the engine's error; the provider when the message names one). */
  private KlTables.SampleRow recordError(Unit u, EngineConfig variant, RuntimeException e, double ms) {
    UnitFailure f = UnitFailure.of(e);
    boolean engine = e instanceof EngineException;
    String message = f.message() == null ? "" : f.message();
    String kind = engine && message.contains("log-probs were requested") ? MISSING_LOGPROBS : f.kind();
    java.util.regex.Matcher m = PROVIDER.matcher(message);
    KlTables.SampleRow row = new KlTables.SampleRow(u.key(), u.variant(), u.prompt().promptId(), u.sample(), u.seed(),
        "error", variant.model(), engine && m.find() ? m.group(1) : null, null, null, null, null, false, kind,
        f.message(), f.httpStatus(), f.attempts(), ms, null);
    tables.recordSample(row, List.of());
    return row;
  }

  /** Records the variant in the shared {@code runs} table, with its tokenizer fingerprint beside the engine info. */
  void recordRun(EngineConfig variant, EngineInfo info) {
    ObjectNode infoJson = KlResponses.JSON.valueToTree(info);
    String fp = TokenizerIdentity.of(info);
    if (fp != null) infoJson.put("tokenizer_fingerprint", fp);
    new RequestTables(ctx.store()).upsertRun(new RequestTables.RunRow(KlUnits.runId(variant.name()), KlStudy.NAME,
        variant.name(), null, ctx.config().generation().seed(), info.kind(), variant.model(), infoJson.toString(),
        dev.harness.config.ConfigSnapshot.json(ctx.config()), Json.write(RunEnvironment.capture())));
  }

  /** Stored tokenizer fingerprints by variant (variants without one are absent). */
  static Map<String, String> fingerprints(StudyContext ctx) {
    Map<String, String> out = new java.util.HashMap<>();
    for (RequestTables.RunRow r : new RequestTables(ctx.store()).runs()) {
      if (!KlStudy.NAME.equals(r.study())) continue;
      String fp = KlResponses.parse(r.engineInfoJson()).path("tokenizer_fingerprint").asText(null);
      if (fp != null) out.put(r.variant(), fp);
    }
    return out;
  }

  Set<String> okKeys() { return tables.okSampleKeys(); }
}
