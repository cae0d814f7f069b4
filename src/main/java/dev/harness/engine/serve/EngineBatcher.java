package dev.harness.engine.serve;

import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.TokenLogprob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Batches concurrent requests through one engine: while the engine runs a batch, requests that arrive wait in a queue;
 * when it is done, the queued ones of one kind run as the next batch (no waiting window: a lone request runs at once).
 * Kinds: generations (any settings: {@link PromptScorer#completeIdsBatch} gives each its own sampling, stop strings and
 * max tokens), and id-prompt scorings with the same top-k ({@link PromptScorer#idsTopLogprobsBatch}). A batch holds at
 * most {@value #MAX_SEQUENCES} sequences (memory grows with batch × longest prompt); a request larger than that runs as
 * its own batch. Leader/follower: the thread whose request is at the head runs batches until its own is done, then
 * hands over to a waiting thread. Results of a batched request equal its lone run up to the float rounding of batched
 * matmuls (~1e-6 in log-probs).
 */
final class EngineBatcher {
  static final int MAX_SEQUENCES = 16;

  private final PromptScorer engine;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private boolean leading;
  private long batches;
  private long jobs;

  EngineBatcher(PromptScorer engine) { this.engine = engine; }

  private static final class Job {
    final List<int[]> ids;
    final List<CompletionRequest> requests; // null: a scoring job
    final int topK;
    Object result;
    RuntimeException error;
    boolean done;

    Job(List<int[]> ids, List<CompletionRequest> requests, int topK) {
      this.ids = ids;
      this.requests = requests;
      this.topK = topK;
    }

    boolean sameKind(Job o) { return (requests == null) == (o.requests == null) && (requests != null || topK == o.topK); }
  }

  @SuppressWarnings("unchecked")
  List<Completion> generate(List<int[]> ids, List<CompletionRequest> requests) {
    return (List<Completion>) run(new Job(ids, requests, 0));
  }

  @SuppressWarnings("unchecked")
  List<List<TokenLogprob>> score(List<int[]> ids, int topK) {
    return (List<List<TokenLogprob>>) run(new Job(ids, null, topK));
  }

  /** Batches run and requests served so far (for the throughput report). */
  synchronized long[] counts() { return new long[] {batches, jobs}; }

  /** Requests waiting for the engine now (tests). */
  synchronized int queued() { return queue.size(); }

  private Object run(Job mine) {
    boolean lead = false;
    synchronized (this) {
      queue.add(mine);
      while (!mine.done && leading) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          queue.remove(mine);
          throw new IllegalStateException("interrupted while waiting for the engine");
        }
      }
      if (!mine.done) {
        leading = true;
        lead = true;
      }
    }
    try {
      while (true) {
        List<Job> batch;
        synchronized (this) {
          if (mine.done || queue.isEmpty()) break;
          batch = take();
        }
        execute(batch);
        synchronized (this) {
          batches++;
          jobs += batch.size();
          notifyAll();
        }
      }
    } finally {
      if (lead) {
        synchronized (this) {
          leading = false; // hand over: a waiting thread with an unfinished request leads next
          notifyAll();
        }
      }
    }
    if (mine.error != null) throw mine.error;
    return mine.result;
  }

  /** The head job and the queued jobs of its kind, up to MAX_SEQUENCES sequences. */
  private List<Job> take() {
    Job head = queue.poll();
    List<Job> batch = new ArrayList<>(List.of(head));
    int n = head.ids.size();
    for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
      Job j = it.next();
      if (!j.sameKind(head) || n + j.ids.size() > MAX_SEQUENCES) continue;
      batch.add(j);
      n += j.ids.size();
      it.remove();
    }
    return batch;
  }

  private void execute(List<Job> batch) {
    List<int[]> ids = new ArrayList<>();
    List<CompletionRequest> reqs = new ArrayList<>();
    for (Job j : batch) {
      ids.addAll(j.ids);
      if (j.requests != null) reqs.addAll(j.requests);
    }
    try {
      List<?> out = batch.get(0).requests != null ? engine.completeIdsBatch(ids, reqs) : engine.idsTopLogprobsBatch(ids, batch.get(0).topK);
      int k = 0;
      for (Job j : batch) {
        j.result = new ArrayList<>(out.subList(k, k + j.ids.size()));
        k += j.ids.size();
      }
    } catch (RuntimeException e) {
      for (Job j : batch) j.error = e;
    } catch (Error e) {
      for (Job j : batch) j.error = new IllegalStateException("engine failed: " + e, e);
    } finally {
      for (Job j : batch) j.done = true;
    }
  }
}
