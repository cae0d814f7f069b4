package dev.harness.study.mc;

import dev.harness.config.ConfigException;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.BatchScoring;
import dev.harness.engine.Engine;
import dev.harness.engine.EngineException;
import dev.harness.engine.EngineInfo;
import dev.harness.engine.InProcess;
import dev.harness.engine.SharedPrefixScoring;
import dev.harness.engine.TokenScore;
import dev.harness.store.RequestTables;
import dev.harness.study.EngineIdentity;
import dev.harness.study.Json;
import dev.harness.study.Phase;
import dev.harness.study.PhaseException;
import dev.harness.study.Progress;
import dev.harness.study.RunEnvironment;
import dev.harness.study.StudyContext;
import dev.harness.study.UnitFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * run: the log-likelihood of every choice of every item, per variant, through the engine's {@code score} (lm-eval's
 * split). Requests of one document share a context and go to the local engine together ({@code scoreBatch}, up to
 * {@code mc.batch_size} requests a forward pass; an openai variant sends a batch's requests with up to
 * {@code concurrency} in flight); each batch is committed on its own, so an interrupted run resumes.
 *
 * <p>With {@code mc.shared_prefix} (the default) the local engine computes each document's context once and scores
 * its choices on top of the cached prefix ({@code scoreShared}); the batch then only sets how many requests are
 * committed together, and the numbers do not depend on it at all.
 *
 * <p>Seeds: a zero-shot log-likelihood does not depend on a seed, so each request is scored once and the result is
 * recorded under every seed's unit key with {@code scored_with_seed} = the first seed (never re-scored to pretend
 * variance). A stored result counts as done only under the same {@link McUnitIdentity} (its hash is in the key); results
 * of other configurations stay stored under their own keys and are not used.
 */
final class McRun {
  private final StudyContext ctx;
  /** Requests that failed in this run, and the first one's evidence ({@code KIND: message}). */
  private long failedRequests;
  private String firstError;

  McRun(StudyContext ctx) { this.ctx = ctx; }

  /** A request's scores, or the failure that stopped it (stored as the unit's failure row). */
  record Outcome(List<TokenScore> scores, RuntimeException error) {}

  /** One (context, continuation) request: a choice of an item. */
  record Request(String task, int docId, int choice, String context, String continuation, String identity) {}

  /** The requests of a variant that lack a result (for any seed, or made with other variant settings). */
  static List<Request> todo(StudyContext ctx, EngineConfig v) {
    ExperimentConfig c = ctx.config();
    McTables tables = new McTables(ctx.store());
    java.util.Set<String> have = ctx.forced(Phase.RUN) ? java.util.Set.of() : tables.resultHashes(v.label()).keySet();
    EngineIdentity engine = EngineIdentity.of(v);
    List<Integer> seeds = McVariants.seeds(c);
    List<Request> out = new ArrayList<>();
    for (String task : c.section(McStudyConfig.class).tasks()) {
      for (McTables.ItemRow it : tables.items(task)) {
        for (McTables.ChoiceRow ch : it.choices()) {
          String id = McVariants.identityHash(c, engine, v, task, it, ch);
          boolean done = seeds.stream().allMatch(s -> have.contains(McVariants.unitKey(v, task, it.docId(), ch.index(), s, id)));
          if (!done) out.add(new Request(task, it.docId(), ch.index(), it.context(), ch.continuation(), id));
        }
      }
    }
    return out;
  }

  static long unanswered(StudyContext ctx) {
    long n = 0;
    for (EngineConfig v : ctx.config().variants()) n += todo(ctx, v).size();
    return n;
  }

  /** Consecutive requests in batches of at most {@code size}; a new document starts a new batch when it does not fit. */
  static List<List<Request>> batches(List<Request> requests, int size) {
    List<List<Request>> out = new ArrayList<>();
    List<Request> cur = new ArrayList<>();
    int i = 0;
    while (i < requests.size()) {
      int j = i;
      while (j < requests.size() && sameDoc(requests.get(j), requests.get(i))) j++;
      List<Request> doc = requests.subList(i, j);
      if (!cur.isEmpty() && cur.size() + doc.size() > size) {
        out.add(cur);
        cur = new ArrayList<>();
      }
      for (Request r : doc) {
        if (cur.size() == size) {
          out.add(cur);
          cur = new ArrayList<>();
        }
        cur.add(r);
      }
      i = j;
    }
    if (!cur.isEmpty()) out.add(cur);
    return out;
  }

  private static boolean sameDoc(Request a, Request b) { return a.task().equals(b.task()) && a.docId() == b.docId(); }

  String execute() {
    ExperimentConfig c = ctx.config();
    McTables tables = new McTables(ctx.store());
    for (String task : c.section(McStudyConfig.class).tasks()) {
      if (tables.itemCount(task) == 0) {
        throw new PhaseException(Phase.RUN, ctx.configPath(), "no prepared items for task " + task + " in "
            + ctx.store().file() + "; run 'harness prepare -c " + ctx.configPath() + "' first", null);
      }
    }
    List<Integer> seeds = McVariants.seeds(c);
    List<String> parts = new ArrayList<>();
    long total = 0;
    Engine held = null; // the previous variant's engine, closed once the next is open (a shared base stays loaded)
    try {
      for (int vi = 0; vi < c.variants().size(); vi++) {
        EngineConfig v = c.variants().get(vi);
        List<Request> todo = todo(ctx, v);
        if (todo.isEmpty()) {
          parts.add(v.label() + ": all done");
          continue;
        }
        Engine engine = ctx.openVariant(v);
        if (held != null) held.close();
        held = engine;
        scoreVariant(engine, v, todo, seeds, tables);
        total += todo.size();
        parts.add(v.label() + ": " + todo.size() + " choices scored");
      }
    } finally {
      if (held != null) held.close();
    }
    if (failedRequests > 0) {
      boolean none = McVariants.status(c, tables).done() == 0;
      if (none) McReport.failuresOnly(ctx);
      throw new PhaseException(Phase.RUN, ctx.configPath(), (failedRequests == total ? "every request failed ("
          + failedRequests + "/" + total + ")" : failedRequests + " of " + total + " requests failed") + "; first error: "
          + firstError + " (one row per failed unit in mc_failures" + (none ? ", a failures-only report.md" : "")
          + "; results so far are kept; 'harness run' retries the failed requests)", null);
    }
    return total + " requests scored (" + String.join("; ", parts) + "); seeds " + seeds
        + " share each request's score (zero-shot log-likelihoods do not depend on a seed)";
  }

  /** Scores a variant's missing requests batch by batch, each batch recorded under every seed in one transaction. */
  private void scoreVariant(Engine engine, EngineConfig v, List<Request> todo, List<Integer> seeds, McTables tables) {
    ExperimentConfig c = ctx.config();
    String hash = McVariants.hash(v);
    EngineInfo info = engine.info();
    RequestTables runs = new RequestTables(ctx.store());
    String configJson = dev.harness.config.ConfigSnapshot.json(c);
    String envJson = Json.write(RunEnvironment.capture());
    for (int s : seeds) {
      runs.upsertRun(new RequestTables.RunRow(McVariants.runId(v, s), McEvalStudy.NAME, v.label(), null, (long) s,
          info.kind(), v.model(), Json.write(info), configJson, envJson));
    }
    int batchSize = c.section(McStudyConfig.class).mc().batchSize();
    java.util.concurrent.ExecutorService pool = engine.can(InProcess.class) || v.concurrency() <= 1 ? null
        : java.util.concurrent.Executors.newFixedThreadPool(v.concurrency());
    try (Progress progress = new Progress("run " + v.label(), todo.size(), ctx.err())) {
      for (List<Request> batch : batches(todo, batchSize)) {
        List<Outcome> scores = score(engine, batch, v, pool);
        List<McTables.ResultRow> rows = new ArrayList<>();
        List<McTables.FailureRow> failures = new ArrayList<>();
        for (int k = 0; k < batch.size(); k++) {
          Request r = batch.get(k);
          if (scores.get(k).error() != null) {
            UnitFailure f = UnitFailure.of(scores.get(k).error());
            failedRequests++;
            if (firstError == null) firstError = v.label() + ", task " + r.task() + ", doc " + r.docId() + ": " + f.line();
            for (int s : seeds) {
              failures.add(new McTables.FailureRow(McVariants.unitKey(v, r.task(), r.docId(), r.choice(), s, r.identity()),
                  v.label(), r.task(), r.docId(), r.choice(), s, f.kind(), f.message(), f.httpStatus(), f.attempts()));
            }
            progress.step(v.label());
            continue;
          }
          List<TokenScore> ts = scores.get(k).scores();
          double ll = 0;
          boolean greedy = true;
          for (TokenScore t : ts) {
            ll += t.logprob();
            greedy &= t.greedy();
          }
          for (int s : seeds) {
            rows.add(new McTables.ResultRow(McVariants.unitKey(v, r.task(), r.docId(), r.choice(), s, r.identity()),
                McVariants.runId(v, s), v.label(), hash, r.task(), r.docId(), r.choice(), s, ll, greedy, ts.size(),
                seeds.get(0), batchSize));
          }
          progress.step(v.label());
        }
        if (!rows.isEmpty()) tables.recordResults(rows);
        if (!failures.isEmpty()) tables.recordFailures(failures); // as the units fail: the evidence survives an abort
      }
    } finally {
      if (pool != null) pool.shutdownNow();
    }
  }

  /**
   * Scores a batch: one left-padded forward pass on the local engine ({@code scoreBatch}); otherwise one
   * {@code score} call per request, up to the variant's {@code concurrency} in flight (results in request order). An
   * engine failure is that request's outcome (on the local engine, every request of the failed forward pass).
   */
  private List<Outcome> score(Engine engine, List<Request> batch, EngineConfig v,
      java.util.concurrent.ExecutorService pool) {
    var shared = engine.as(SharedPrefixScoring.class).filter(x -> ctx.config().section(McStudyConfig.class).mc().sharedPrefix());
    var batched = engine.as(BatchScoring.class).filter(x -> batch.size() > 1);
    if (shared.isPresent() || batched.isPresent()) {
      try {
        List<List<TokenScore>> all = shared.isPresent() ? shared(shared.get(), batch)
            : batched.get().scoreBatch(batch.stream().map(Request::context).toList(),
                batch.stream().map(Request::continuation).toList());
        return all.stream().map(ts -> new Outcome(ts, null)).toList();
      } catch (EngineException | IllegalArgumentException e) {
        // in process, a failed forward pass fails every request in it; a server's failed list request is retried one
        // request at a time below, so one bad document neither takes the batch's others with it nor lends them its evidence
        if (engine.can(InProcess.class) || batch.size() == 1) return batch.stream().map(r -> new Outcome(null, e)).toList();
      }
    }
    List<Outcome> out = new ArrayList<>();
    if (pool == null || batch.size() == 1) {
      for (Request r : batch) {
        try {
          out.add(new Outcome(engine.score(r.context(), r.continuation()), null));
        } catch (EngineException | IllegalArgumentException e) {
          out.add(new Outcome(null, e));
        }
      }
      return out;
    }
    List<java.util.concurrent.Future<List<TokenScore>>> futures = new ArrayList<>();
    for (Request r : batch) futures.add(pool.submit(() -> engine.score(r.context(), r.continuation())));
    try {
      for (var f : futures) {
        try {
          out.add(new Outcome(f.get(), null));
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof EngineException || cause instanceof IllegalArgumentException) {
            out.add(new Outcome(null, (RuntimeException) cause));
          } else {
            throw new PhaseException(Phase.RUN, ctx.configPath(), "variant " + v.label() + ": worker failed: " + cause, cause);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PhaseException(Phase.RUN, ctx.configPath(), "interrupted", e);
    }
    return out;
  }

  /** The requests of each document of a batch on one cached context ({@link SharedPrefixScoring}), in order. */
  private static List<List<TokenScore>> shared(SharedPrefixScoring local, List<Request> batch) {
    List<List<TokenScore>> out = new ArrayList<>();
    int i = 0;
    while (i < batch.size()) {
      int j = i;
      while (j < batch.size() && sameDoc(batch.get(j), batch.get(i))) j++;
      out.addAll(local.scoreShared(batch.get(i).context(), batch.subList(i, j).stream().map(Request::continuation).toList()));
      i = j;
    }
    return out;
  }


}
