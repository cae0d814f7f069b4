package dev.harness.engine.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.TokenScore;
import dev.harness.engine.Usage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Requests that arrive while the engine is busy run together as the next batch, each getting its own answer back.
 * Deterministic: the engine double holds its first batch until the test has seen the others queued.
 */
class EngineBatcherTest {
  /** Answers each sequence with its ids as text; records the batches; the first batch waits for {@link #release}. */
  static final class Recording implements PromptScorer {
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean entered;
    final List<String> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public List<Completion> completeIdsBatch(List<int[]> prompts, List<CompletionRequest> requests) {
      hold();
      batches.add("gen" + prompts.size());
      List<Completion> out = new ArrayList<>();
      for (int[] p : prompts) out.add(new Completion(Arrays.toString(p), "stop", List.of(), new Usage(p.length, 1), null, false));
      return out;
    }

    @Override
    public List<List<TokenLogprob>> idsTopLogprobsBatch(List<int[]> prompts, int topK) {
      hold();
      batches.add("score" + topK + "x" + prompts.size());
      List<List<TokenLogprob>> out = new ArrayList<>();
      for (int[] p : prompts) out.add(List.of(new TokenLogprob(Arrays.toString(p), p[0], -topK, null, List.of())));
      return out;
    }

    private void hold() {
      if (batches.isEmpty()) {
        entered = true;
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override public List<TokenScore> promptLogprobs(String prompt) { throw new UnsupportedOperationException(); }
  }

  @Test
  void requestsQueuedBehindABusyEngineRunAsOneBatch() throws Exception {
    Recording engine = new Recording();
    EngineBatcher b = new EngineBatcher(engine);
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      CompletionRequest req = CompletionRequest.greedy(Prompt.text(""), 1);
      Future<List<Completion>> first = pool.submit(() -> b.generate(List.of(new int[] {0}), List.of(req)));
      while (!engine.entered) Thread.onSpinWait(); // the first request is in the engine, alone
      List<Future<List<Completion>>> gens = new ArrayList<>();
      for (int i = 1; i <= 7; i++) {
        int id = i;
        gens.add(pool.submit(() -> b.generate(List.of(new int[] {id, id}), List.of(req))));
      }
      List<Future<List<List<TokenLogprob>>>> scores = new ArrayList<>();
      scores.add(pool.submit(() -> b.score(List.of(new int[] {100}), 1)));
      scores.add(pool.submit(() -> b.score(List.of(new int[] {101}), 2)));
      scores.add(pool.submit(() -> b.score(List.of(new int[] {102}, new int[] {103}), 1)));
      while (b.queued() < 10) Thread.onSpinWait();
      engine.release.countDown();
      assertEquals("[0]", first.get().get(0).text());
      for (int i = 0; i < 7; i++) assertEquals("[" + (i + 1) + ", " + (i + 1) + "]", gens.get(i).get().get(0).text(), "answer " + i);
      assertEquals(-1.0, scores.get(0).get().get(0).get(0).logprob());
      assertEquals("[101]", scores.get(1).get().get(0).get(0).token());
      assertEquals(-2.0, scores.get(1).get().get(0).get(0).logprob());
      assertEquals("[103]", scores.get(2).get().get(1).get(0).token());
      assertEquals(List.of("gen1", "gen7", "score1x3", "score2x1"), sortedAfterFirst(engine.batches));
      assertEquals(4L, b.counts()[0], "4 batches for 11 requests");
      assertEquals(11L, b.counts()[1]);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The first batch, then the others in the order they ran (the generation batch may run before or after the scorings). */
  private static List<String> sortedAfterFirst(List<String> batches) {
    List<String> rest = new ArrayList<>(batches.subList(1, batches.size()));
    Collections.sort(rest);
    List<String> out = new ArrayList<>(List.of(batches.get(0)));
    out.addAll(rest);
    return out;
  }
}
