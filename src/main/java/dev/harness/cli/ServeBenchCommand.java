package dev.harness.cli;

import dev.harness.HarnessException;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.serve.OpenAiServer;
import dev.harness.engine.serve.ServeThroughput;
import dev.harness.engine.serve.ServerOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code harness serve-bench}: {@code serve}'s throughput with 1 and k concurrent clients, measured in the same run
 * against a server started on an ephemeral port: lm-eval loglikelihood requests (token-id prompt, echo, max_tokens 1,
 * logprobs 1) or greedy generations, the same set every round.
 */
@Command(name = "serve-bench", mixinStandardHelpOptions = true,
    description = "Requests/s of `serve` with 1 vs k concurrent clients (same run, same requests), with n and [min, max].")
final class ServeBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LocalModelOptions model;
  @Option(names = "--clients", defaultValue = "1,8", split = ",", paramLabel = "K", description = "Client counts (first = baseline).")
  int[] clients;
  @Option(names = "--requests", defaultValue = "32", paramLabel = "N", description = "Requests per round.") int requests;
  @Option(names = "--rounds", defaultValue = "5", paramLabel = "R", description = "Measured rounds (after one warm-up).") int rounds;
  @Option(names = "--prompt-tokens", defaultValue = "64", paramLabel = "T") int promptTokens;
  @Option(names = "--kind", defaultValue = "score", description = "score (lm-eval loglikelihood) or generate (greedy, --gen-tokens).")
  String kind;
  @Option(names = "--gen-tokens", defaultValue = "16", paramLabel = "G") int genTokens;
  @Option(names = "--seed", defaultValue = "0") long seed;

  @Override
  public Integer call() throws Exception {
    if (clients.length < 2 || requests < 1 || rounds < 1 || promptTokens < 2) {
      throw HarnessException.usage("serve-bench: need >= 2 client counts, --requests >= 1, --rounds >= 1, --prompt-tokens >= 2");
    }
    if (!kind.equals("score") && !kind.equals("generate")) throw HarnessException.usage("--kind: expected score or generate, got " + kind);
    PrintWriter out = spec.commandLine().getOut();
    try (LocalEngine engine = model.open();
        OpenAiServer server = new OpenAiServer(new LocalServedEngine(engine), "bench", engine.tokenizer(),
            new ServerOptions("127.0.0.1", 0, Math.max(16, java.util.Arrays.stream(clients).max().getAsInt() * 2))).start()) {
      Random rng = new Random(seed);
      int vocab = engine.vocabSize();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        StringBuilder ids = new StringBuilder();
        for (int t = 0; t < promptTokens; t++) ids.append(t == 0 ? "" : ",").append(1 + rng.nextInt(vocab - 1));
        bodies.add(kind.equals("score")
            ? "{\"prompt\": [[" + ids + "]], \"temperature\": 0, \"max_tokens\": 1, \"logprobs\": 1, \"seed\": 1234, \"echo\": true}"
            : "{\"prompt\": [[" + ids + "]], \"temperature\": 0, \"max_tokens\": " + genTokens + ", \"seed\": 1234}");
      }
      ServeThroughput.Report r = ServeThroughput.measure(URI.create(server.baseUrl() + "/completions"), null, bodies, clients, rounds);
      out.printf(Locale.ROOT, "serve-bench %s: %s, %d requests of %d prompt tokens per round%s, n=%d rounds (after 1 warm-up)%n",
          kind, model.model, requests, promptTokens, kind.equals("generate") ? " and " + genTokens + " greedy tokens" : "", rounds);
      out.printf(Locale.ROOT, "%-8s %-12s %s%n", "clients", "req/s median", "[min, max]");
      for (ServeThroughput.Series s : r.series()) {
        double[] x = s.requestsPerSecond();
        out.printf(Locale.ROOT, "%-8d %-12.2f [%.2f, %.2f]%n", s.clients(), s.median(),
            java.util.Arrays.stream(x).min().getAsDouble(), java.util.Arrays.stream(x).max().getAsDouble());
      }
      for (int i = 1; i < r.series().size(); i++) {
        double[] q = r.ratio(i);
        out.printf(Locale.ROOT, "ratio %d/%d clients: %.2fx [%.2f, %.2f] (round-wise ratios, n=%d)%n", r.series().get(i).clients(),
            r.series().get(0).clients(), q[0], q[1], q[2], rounds);
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
