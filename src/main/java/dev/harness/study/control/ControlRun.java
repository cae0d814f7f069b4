package dev.harness.study.control;

import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.FullNextToken;
import dev.harness.engine.InProcess;
import dev.harness.engine.NextToken;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenIds;
import dev.harness.metrics.control.Distribution;
import dev.harness.store.RequestTables;
import dev.harness.study.EngineIdentity;
import dev.harness.study.Json;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.RunEnvironment;
import dev.harness.study.RunProvenance;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitFailure;
import dev.harness.study.UnitIdentity;
import dev.harness.study.UnitPool;
import dev.harness.study.UnitStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * run: for every engine variant and evaluation item, the next-token distribution after the prompt and its prefill —
 * the full vocabulary on the local engine, {@code control.top_logprobs} alternatives on an OpenAI-compatible one — kept
 * as a {@link StoredDistribution}. Each unit ({@code output_control|<variant>|<item>}) is committed on its own; units
 * with an ok response are skipped, failed ones are retried.
 */
final class ControlRun {
  private final StudyContext ctx;

  ControlRun(StudyContext ctx) { this.ctx = ctx; }

  record Unit(String key, String variant, ControlItem item) {}

  /** {@code output_control|<variant>|<item>|id=<hash>}: the item under one {@link ControlUnitIdentity}. */
  static String unitKey(String variant, String itemId, String identityHash) {
    return OutputControlStudy.NAME + "|" + variant + "|" + itemId + "|id=" + identityHash;
  }

  static List<ControlItem> evalItems(StudyContext ctx) {
    List<ControlItem> out = new ArrayList<>();
    for (ControlTables.ItemRow r : new ControlTables(ctx.store()).items()) {
      if ("eval".equals(r.split())) {
        out.add(new ControlItem(r.itemId(), r.caseName(), r.variant(), r.pairIndex(), r.word1(), r.word2(), r.seed(),
            r.p(), r.r(), r.split()));
      }
    }
    return out;
  }

  static List<Unit> units(StudyContext ctx, EngineConfig e) {
    EngineIdentity engine = EngineIdentity.of(e);
    return evalItems(ctx).stream().map(i -> new Unit(unitKey(e.label(), i.itemId(), UnitIdentity
        .hash(ControlUnitIdentity.of(ctx.config(), engine, e, i))), e.label(), i)).toList();
  }

  /** The unit keys of the current configuration (every variant × evaluation item). */
  static Set<String> currentKeys(StudyContext ctx) {
    Set<String> keys = new java.util.HashSet<>();
    for (EngineConfig e : ctx.config().variants()) units(ctx, e).forEach(u -> keys.add(u.key()));
    return keys;
  }

  /** The stored responses of the current configuration (rows of other configurations are kept, not used). */
  static List<ControlTables.ResponseRow> currentResponses(StudyContext ctx) {
    Set<String> keys = currentKeys(ctx);
    return new ControlTables(ctx.store()).responses().stream().filter(r -> keys.contains(r.unitKey())).toList();
  }

  /** Current units by outcome, and stored rows of other configurations (for {@code harness status}). */
  static UnitStatus status(StudyContext ctx) {
    Set<String> keys = currentKeys(ctx);
    long done = 0, stored = 0, other = 0;
    java.util.Map<String, Long> failed = new java.util.HashMap<>();
    for (ControlTables.ResponseRow r : new ControlTables(ctx.store()).responses()) {
      if (!keys.contains(r.unitKey())) {
        other++;
        continue;
      }
      stored++;
      if (r.ok()) done++;
      else failed.merge(r.errorKind() == null ? "ERROR" : r.errorKind(), 1L, Long::sum);
    }
    return new UnitStatus(keys.size(), done, failed, keys.size() - stored, other);
  }

  /** What the report is built from. */
  static RunProvenance provenance(StudyContext ctx) {
    UnitStatus u = status(ctx);
    return RunProvenance.of(ctx.config(), u.current(), u.current() - u.missing(), u.otherRows());
  }

  /** Units without any stored response (failed ones count as answered: {@code harness run} retries them). */
  static long unanswered(StudyContext ctx) {
    Set<String> done = new ControlTables(ctx.store()).respondedKeys(false);
    long n = 0;
    for (EngineConfig e : ctx.config().variants()) n += units(ctx, e).stream().filter(u -> !done.contains(u.key())).count();
    return n;
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    if (evalItems(ctx).isEmpty()) {
      throw new PhaseException(Phase.RUN, ctx.configPath(), "no prepared items in " + ctx.store().file()
          + "; run 'harness prepare -c " + ctx.configPath() + "' first", null);
    }
    ControlTables tables = new ControlTables(ctx.store());
    Set<String> done = ctx.forced(Phase.RUN) ? Set.of() : tables.respondedKeys(true); // --force run: all again
    int sent = 0;
    int okTotal = 0;
    int failedTotal = 0;
    int skipped = 0;
    String firstError = null;
    AtomicInteger cut = new AtomicInteger();
    for (EngineConfig e : c.variants()) {
      List<Unit> all = units(ctx, e);
      List<Unit> todo = all.stream().filter(u -> !done.contains(u.key())).toList();
      skipped += all.size() - todo.size();
      if (todo.isEmpty()) continue;
      try (Engine engine = ctx.openVariant(e)) {
        EngineInfo info = engine.info();
        new RequestTables(ctx.store()).upsertRun(new RequestTables.RunRow(OutputControlStudy.NAME + ":" + e.label(),
            OutputControlStudy.NAME, e.label(), null, null, info.kind(), e.model(), Json.write(info), dev.harness.config.ConfigSnapshot.json(c),
            Json.write(RunEnvironment.capture())));
        AtomicReference<String> err = new AtomicReference<>();
        boolean inProcess = engine.can(InProcess.class);
        int threads = inProcess ? 1 : e.concurrency();
        // prompt tokens are counted where the engine cuts an over-long prompt to its window itself (in process); a
        // server refuses such a prompt with an error instead, and a /tokenize call per unit would double the requests
        TokenIds ids = inProcess ? engine.as(TokenIds.class).orElse(null) : null;
        int maxLength = ids == null ? Integer.MAX_VALUE : ids.contextWindow();
        UnitPool.Tally n = UnitPool.each(ctx, Phase.RUN.id() + " " + e.label(), threads, todo,
            u -> runUnit(engine, ids, u, tables, err, maxLength, cut));
        sent += n.sent();
        okTotal += n.ok();
        failedTotal += n.failed();
        if (firstError == null) firstError = err.get();
      }
    }
    if (sent > 0 && okTotal == 0) {
      ControlReport.failuresOnly(ctx); // the evidence is readable before run exits 1
      throw new PhaseException(Phase.RUN, ctx.configPath(), "every request failed (" + failedTotal + "/" + sent
          + "); first error: " + firstError, null);
    }
    if (cut.get() > 0) {
      ctx.log("[run] " + cut.get() + " prompts were longer than the model's context window and lost their start "
          + "(see control_responses.prompt_tokens)");
    }
    return sent + " units sent (" + okTotal + " ok, " + failedTotal + " failed), " + skipped + " skipped as already done"
        + (cut.get() > 0 ? "; " + cut.get() + " prompts cut to the context window" : "");
  }

  private boolean runUnit(Engine engine, TokenIds ids, Unit u, ControlTables tables, AtomicReference<String> firstError,
      int maxLength, AtomicInteger cut) {
    ExperimentConfig c = ctx.config();
    Prompt prompt = ControlPrompts.prompt(u.item(), c.section(ControlStudyConfig.class).control().promptFormat());
    long t0 = System.nanoTime();
    try {
      Integer promptTokens = ids == null ? null : ids.promptIds(prompt).length;
      if (promptTokens != null && promptTokens > maxLength) cut.incrementAndGet();
      // the whole vocabulary where the engine has it, else the API's top entries
      NextToken nt = engine.as(FullNextToken.class).map(f -> f.fullNextToken(prompt))
          .orElseGet(() -> engine.nextToken(prompt, c.section(ControlStudyConfig.class).control().topLogprobs()));
      List<String> extra = new ArrayList<>(c.section(ControlStudyConfig.class).control().blocklist());
      if (u.item().givenWords()) {
        extra.add(u.item().word1());
        extra.add(u.item().word2());
      }
      Distribution d = StoredDistribution.select(nt, c.section(ControlStudyConfig.class).control().storeTop(), extra);
      tables.putResponse(new ControlTables.ResponseRow(u.key(), u.variant(), u.item().itemId(), "ok", promptTokens,
          nt.vocabSize() < 0 ? null : nt.vocabSize(), nt.fullVocabulary(), StoredDistribution.toJson(d), d.restMass(),
          null, null, (System.nanoTime() - t0) / 1e6));
      return true;
    } catch (RuntimeException e) {
      UnitFailure f = UnitFailure.of(e);
      firstError.compareAndSet(null, f.line());
      tables.putResponse(new ControlTables.ResponseRow(u.key(), u.variant(), u.item().itemId(), "error", null, null,
          null, null, null, f.kind(), f.message(), (System.nanoTime() - t0) / 1e6));
      return false;
    }
  }
}
