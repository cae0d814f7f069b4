package dev.harness.bench;

import dev.harness.HarnessException;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** Prefill and batch-1 greedy decode speed of a loaded {@link LocalEngine}, fed token ids directly. */
public final class EngineProbe {
  private final LocalEngine engine;
  private final Consumer<String> log;

  public EngineProbe(LocalEngine engine, Consumer<String> log) {
    this.engine = engine;
    this.log = log;
  }

  /** {@code n} ids drawn uniformly from [1, vocab) with {@code seed}. */
  public static int[] promptIds(int vocab, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) ids[i] = 1 + r.nextInt(vocab - 1);
    return ids;
  }

  public EngineRun measure(int[] prompt, int decodeTokens, int repeats) {
    if (decodeTokens < 2) throw new HarnessException("--decode-tokens: expected >= 2 (one decode step), got " + decodeTokens, 2);
    log.accept("prefill: " + prompt.length + " tokens, 1 warm-up + " + repeats + " runs");
    complete(prompt, 1);
    List<Double> prefill = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      complete(prompt, 1);
      prefill.add((System.nanoTime() - t0) / 1e9);
    }
    double prefillMedian = Stats.median(prefill);
    log.accept("decode: " + decodeTokens + " new tokens after " + prompt.length + ", 1 warm-up + " + repeats + " runs");
    complete(prompt, Math.min(decodeTokens, 4));
    List<Double> rates = new ArrayList<>();
    String timing = "telemetry";
    int steps = decodeTokens - 1;
    Long kv = null;
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      Completion c = complete(prompt, decodeTokens);
      double wall = (System.nanoTime() - t0) / 1e9;
      int runSteps = c.usage().completionTokens() - 1;
      if (runSteps < 1) throw new HarnessException("decode: the model stopped after " + c.usage().completionTokens() + " token(s) (EOS); nothing to time", 1);
      steps = Math.min(steps, runSteps);
      Double decodeMs = c.telemetry() == null ? null : c.telemetry().decodeMs();
      double seconds;
      if (decodeMs != null && decodeMs > 0) {
        seconds = decodeMs / 1000;
      } else {
        timing = "wall-minus-prefill";
        seconds = wall - prefillMedian;
      }
      rates.add(runSteps / seconds);
      if (c.telemetry() != null) kv = c.telemetry().kvFullBytes();
    }
    return new EngineRun(prompt.length, prefill, prompt.length, decodeTokens, steps, rates, timing, kv);
  }

  private Completion complete(int[] ids, int maxTokens) {
    return engine.complete(ids, CompletionRequest.greedy(Prompt.text(""), maxTokens));
  }
}
