package dev.harness.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.bench.BenchShape;
import dev.harness.bench.CheckpointGenerator;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.KvSpec;
import dev.harness.engine.Prompt;
import dev.harness.engine.TokenLogprob;
import dev.harness.engine.local.RandomCheckpoints.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * completeBatch on random checkpoints of every architecture (with a word-level tokenizer "t0" … "t63"): every request of
 * a batch gets what complete() gives it alone.
 */
class CompleteBatchTest {
  @TempDir Path tmp;

  static final String[] PROMPTS = {"t3 t17 t42 t5 t9 t63 t1 t28 t11", "t7 t50", "t33 t2 t8 t19 t4"};

  static List<Spec> specs() {
    return List.of(RandomCheckpoints.llama(), RandomCheckpoints.qwen2(), RandomCheckpoints.qwen3(), RandomCheckpoints.gpt2(false));
  }

  /** A random checkpoint plus a WordLevel tokenizer ("&lt;unk&gt;", "t1" … "t63", whitespace split). */
  static Path checkpoint(Path dir, Spec s, long seed) throws IOException {
    RandomCheckpoints.write(dir, s, seed);
    ObjectNode t = RandomCheckpoints.JSON.createObjectNode();
    t.put("version", "1.0").putNull("truncation").putNull("padding");
    t.putArray("added_tokens");
    t.putNull("normalizer");
    t.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
    t.putNull("post_processor");
    t.putNull("decoder");
    ObjectNode model = t.putObject("model").put("type", "WordLevel");
    ObjectNode vocab = model.putObject("vocab");
    vocab.put("<unk>", 0);
    for (int i = 1; i < s.vocab(); i++) vocab.put("t" + i, i);
    model.put("unk_token", "<unk>");
    RandomCheckpoints.JSON.writeValue(dir.resolve("tokenizer.json").toFile(), t);
    return dir;
  }

  static CompletionRequest greedy(String prompt, int max, List<String> stop) {
    return new CompletionRequest(Prompt.text(prompt), max, 0.0, 1.0, null, stop, true, 3, null);
  }

  static CompletionRequest sampled(String prompt, int max, long seed) {
    return new CompletionRequest(Prompt.text(prompt), max, 0.9, 0.9, seed, List.of(), true, 2, null);
  }

  static void assertSame(Completion one, Completion batch, String what) {
    assertEquals(ids(one), ids(batch), what + ": ids");
    assertEquals(one.text(), batch.text(), what + ": text");
    assertEquals(one.finishReason(), batch.finishReason(), what + ": finish");
    assertEquals(one.usage(), batch.usage(), what + ": usage");
    assertEquals(one.truncatedPrompt(), batch.truncatedPrompt(), what + ": truncated");
    assertEquals(one.telemetry().kvFullBytes(), batch.telemetry().kvFullBytes(), what + ": KV bytes");
    for (int i = 0; i < one.tokens().size(); i++) {
      TokenLogprob a = one.tokens().get(i);
      TokenLogprob b = batch.tokens().get(i);
      assertEquals(a.logprob(), b.logprob(), 1e-5, what + ": logprob of token " + i);
      assertEquals(a.token(), b.token(), what + ": piece " + i);
      assertEquals(a.top().size(), b.top().size());
      for (int k = 0; k < a.top().size(); k++) {
        assertEquals(a.top().get(k).id(), b.top().get(k).id(), what + ": top " + k + " of token " + i);
        assertEquals(a.top().get(k).logprob(), b.top().get(k).logprob(), 1e-5);
      }
    }
  }

  static List<Integer> ids(Completion c) { return c.tokens().stream().map(TokenLogprob::id).toList(); }

  @TestFactory
  Stream<DynamicTest> batchEqualsOneByOne() {
    return specs().stream().map(s -> DynamicTest.dynamicTest(s.arch(), () -> {
      Path dir = checkpoint(tmp.resolve(s.arch()), s, 31);
      try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
        // greedy, different prompt lengths and max tokens
        List<CompletionRequest> rs = List.of(greedy(PROMPTS[0], 6, List.of()), greedy(PROMPTS[1], 9, List.of()), greedy(PROMPTS[2], 3, List.of()));
        check(e, rs, s.arch() + " greedy");
        // seeded sampling
        check(e, List.of(sampled(PROMPTS[0], 7, 1L), sampled(PROMPTS[1], 5, 2L), sampled(PROMPTS[2], 8, 3L)), s.arch() + " sampled");
        // a stop string taken from the middle of request 1's greedy text: request 1 stops there, the others run on
        String text = e.complete(rs.get(1)).text();
        String stop = text.split(" ")[3];
        List<CompletionRequest> stopped = List.of(greedy(PROMPTS[0], 6, List.of("t999")), greedy(PROMPTS[1], 9, List.of(stop)),
            greedy(PROMPTS[2], 3, List.of()));
        List<Completion> b = check(e, stopped, s.arch() + " stop");
        assertEquals("stop", b.get(1).finishReason());
        assertFalse(b.get(1).text().contains(stop));
        assertTrue(b.get(1).tokens().size() < 9);
        assertEquals(6, b.get(0).usage().completionTokens());
        assertEquals(3, b.get(2).usage().completionTokens());
        assertEquals("length", b.get(2).finishReason());
        // the other sequences' contents (and so the padding of request 0) do not change request 0's result
        List<Completion> other = e.completeBatch(List.of(greedy(PROMPTS[0], 6, List.of()), greedy("t60 t61 t62 t60 t61 t62 t1", 4, List.of()),
            greedy("t9", 2, List.of())));
        assertSame(b.get(0), other.get(0), s.arch() + " other contents");
        // a batch of one is complete()
        Completion single = e.complete(rs.get(0));
        List<Completion> one = e.completeBatch(List.of(rs.get(0)));
        assertEquals(1, one.size());
        assertSame(single, one.get(0), s.arch() + " batch of 1");
      }
    }));
  }

  private static List<Completion> check(LocalEngine e, List<CompletionRequest> rs, String what) {
    List<Completion> batch = e.completeBatch(rs);
    assertEquals(rs.size(), batch.size());
    for (int i = 0; i < rs.size(); i++) {
      assertSame(e.complete(rs.get(i)), batch.get(i), what + " request " + i);
      assertEquals(rs.size(), batch.get(i).telemetry().extra().get("batch_size"));
    }
    return batch;
  }

  @Test
  void eosEndsOneSequenceWhileTheOthersContinue() throws Exception {
    Spec s = RandomCheckpoints.llama();
    Path dir = checkpoint(tmp.resolve("eos"), s, 41);
    int eos;
    try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
      eos = ids(e.complete(greedy(PROMPTS[1], 8, List.of()))).get(2);
    }
    ObjectNode gen = RandomCheckpoints.JSON.createObjectNode();
    ArrayNode ids = gen.putArray("eos_token_id");
    ids.add(eos);
    RandomCheckpoints.JSON.writeValue(dir.resolve("generation_config.json").toFile(), gen);
    try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
      List<CompletionRequest> rs = List.of(greedy(PROMPTS[0], 8, List.of()), greedy(PROMPTS[1], 8, List.of()), greedy(PROMPTS[2], 8, List.of()));
      List<Completion> b = check(e, rs, "eos");
      assertEquals("stop", b.get(1).finishReason());
      assertEquals(2, b.get(1).usage().completionTokens());
    }
  }

  @Test
  void requestsWithAKvSpecRunOneByOneAndKeepTheirPlace() throws Exception {
    Path dir = checkpoint(tmp.resolve("kv"), RandomCheckpoints.qwen2(), 43);
    try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
      CompletionRequest kv = greedy(PROMPTS[0], 4, List.of()).withKv(new KvSpec("streaming_llm", 0.5, java.util.Map.of("n_sink", 2), true, null));
      List<CompletionRequest> rs = List.of(greedy(PROMPTS[1], 4, List.of()), kv, greedy(PROMPTS[2], 4, List.of()));
      List<Completion> b = e.completeBatch(rs);
      assertSame(e.complete(kv), b.get(1), "kv request");
      assertEquals("streaming_llm", b.get(1).telemetry().extra().get("kv_policy"));
      assertEquals(2, b.get(0).telemetry().extra().get("batch_size"));
      assertSame(e.complete(rs.get(2)), b.get(2), "batched request");
    }
  }

  @Test
  void windowEndStopsEachSequenceAtItsOwnLength() throws Exception {
    Path dir = checkpoint(tmp.resolve("win"), RandomCheckpoints.gpt2(false), 47);
    try (LocalEngine e = LocalEngine.open(dir, new LocalOptions("float32", "cpu", 12))) {
      List<CompletionRequest> rs = List.of(greedy(PROMPTS[0], 20, List.of()), greedy(PROMPTS[1], 20, List.of()),
          greedy(PROMPTS[0] + " " + PROMPTS[2], 20, List.of()));
      List<Completion> b = check(e, rs, "window");
      assertEquals(4, b.get(0).usage().completionTokens(), "9 prompt tokens + 3 fed generated tokens fill the window of 12; the 4th is sampled, not fed");
      assertTrue(b.get(2).truncatedPrompt());
    }
  }

  @TestFactory
  Stream<DynamicTest> scoreBatchEqualsScore() {
    return specs().stream().map(s -> DynamicTest.dynamicTest(s.arch(), () -> {
      Path dir = checkpoint(tmp.resolve("score" + s.arch()), s, 53);
      // score (alone too) needs a BOS or EOS id for its prefix-token rule
      RandomCheckpoints.JSON.writeValue(dir.resolve("generation_config.json").toFile(),
          RandomCheckpoints.JSON.createObjectNode().put("eos_token_id", 0));
      try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
        List<String> ctx = List.of(PROMPTS[0], "t7", "t1", PROMPTS[2]);
        List<String> cont = List.of(" t4 t5", " t6 t7 t8 t9 t10", " t11 t12", "");
        List<List<dev.harness.engine.TokenScore>> b = e.scoreBatch(ctx, cont);
        for (int i = 0; i < ctx.size(); i++) {
          List<dev.harness.engine.TokenScore> one = e.score(ctx.get(i), cont.get(i));
          assertEquals(one.size(), b.get(i).size(), s.arch() + " pair " + i);
          for (int k = 0; k < one.size(); k++) {
            assertEquals(one.get(k).id(), b.get(i).get(k).id());
            assertEquals(one.get(k).logprob(), b.get(i).get(k).logprob(), 1e-5, s.arch() + " pair " + i + " token " + k);
            assertEquals(one.get(k).greedy(), b.get(i).get(k).greedy());
          }
        }
      }
    }));
  }

  @Test
  void batchesLeaveNoArraysBehind() throws Exception {
    Path dir = checkpoint(tmp.resolve("leak"), RandomCheckpoints.qwen3(), 59);
    RandomCheckpoints.JSON.writeValue(dir.resolve("generation_config.json").toFile(), RandomCheckpoints.JSON.createObjectNode().put("eos_token_id", 0));
    try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
      List<CompletionRequest> rs = List.of(greedy(PROMPTS[0], 6, List.of()), greedy(PROMPTS[1], 2, List.of()), sampled(PROMPTS[2], 4, 7L));
      e.completeBatch(rs);
      e.scoreBatch(List.of(PROMPTS[0], PROMPTS[1]), List.of(" t1 t2", " t3"));
      int before = e.manager().getManagedArrays().size();
      for (int i = 0; i < 5; i++) {
        e.completeBatch(rs);
        e.scoreBatch(List.of(PROMPTS[0], PROMPTS[1]), List.of(" t1 t2", " t3"));
      }
      assertEquals(before, e.manager().getManagedArrays().size(), "arrays left behind in the root manager");
    }
  }

  /** Prints (does not assert) batch-4 against sequential greedy decoding on a small random Llama. */
  @Test
  void measureBatchThroughput() throws Exception {
    Path dir = CheckpointGenerator.write(tmp.resolve("speed"), new BenchShape("small", 4096, 256, 4, 8, 2, 704, 1024, false), 5);
    try (LocalEngine e = LocalEngine.open(dir, LocalOptions.cpu())) {
      List<CompletionRequest> rs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        StringBuilder p = new StringBuilder();
        for (int j = 0; j < 32 + 8 * i; j++) p.append("t").append(1 + (j * 7 + i * 13) % 4000).append(' ');
        rs.add(CompletionRequest.greedy(Prompt.text(p.toString().trim()), 32));
      }
      e.completeBatch(rs); // warm-up
      rs.forEach(e::complete);
      long seqBest = Long.MAX_VALUE;
      long batchBest = Long.MAX_VALUE;
      int tokens = 0;
      for (int rep = 0; rep < 3; rep++) { // best of 3: the machine is shared
        long t0 = System.nanoTime();
        for (CompletionRequest r : rs) e.complete(r);
        long t1 = System.nanoTime();
        List<Completion> b = e.completeBatch(rs);
        long t2 = System.nanoTime();
        tokens = b.stream().mapToInt(c -> c.usage().completionTokens()).sum();
        seqBest = Math.min(seqBest, t1 - t0);
        batchBest = Math.min(batchBest, t2 - t1);
      }
      System.out.printf("completeBatch micro-measurement (4 prompts of 32-56 tokens, 32 new tokens each, hidden 256, 4 layers, vocab 4096, best of 3):"
          + " sequential %.0f ms (%.1f tok/s), batch-4 %.0f ms (%.1f tok/s), speed-up %.2fx%n",
          seqBest / 1e6, tokens / (seqBest / 1e9), batchBest / 1e6, tokens / (batchBest / 1e9), (double) seqBest / batchBest);
    }
  }
}
