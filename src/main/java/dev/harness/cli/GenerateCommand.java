package dev.harness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.engine.Completion;
import dev.harness.engine.CompletionRequest;
import dev.harness.engine.Prompt;
import dev.harness.engine.local.LocalEngine;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code harness generate}: one completion from the local engine. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "One completion from the local engine.")
final class GenerateCommand implements Callable<Integer> {
  @Mixin LocalModelOptions model;
  @Spec CommandSpec spec;

  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "Raw prompt text (no chat template).")
  String prompt;

  @Option(names = "--max-tokens", defaultValue = "64", paramLabel = "N") int maxTokens;
  @Option(names = "--temperature", defaultValue = "0.0") double temperature;
  @Option(names = "--top-p", defaultValue = "1.0") double topP;
  @Option(names = "--seed", defaultValue = "0") long seed;
  @Option(names = "--stop", paramLabel = "S", description = "Stop string (repeatable).") List<String> stop = List.of();
  @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Log-probs with K alternatives per token.") int topK;
  @Option(names = "--json", description = "Print one JSON document.") boolean json;

  @Override
  public Integer call() throws Exception {
    if (maxTokens < 1) throw dev.harness.HarnessException.usage("--max-tokens: expected >= 1, got " + maxTokens);
    try (LocalEngine engine = model.open()) {
      CompletionRequest req = new CompletionRequest(Prompt.text(prompt), maxTokens, temperature, topP, seed, stop,
          topK > 0 || json, Math.max(0, topK), null);
      Completion c = engine.complete(req);
      var out = spec.commandLine().getOut();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        n.put("model", model.model);
        n.put("prompt", prompt);
        n.put("text", c.text());
        n.put("finish_reason", c.finishReason());
        n.put("prompt_tokens", c.usage().promptTokens());
        n.put("completion_tokens", c.usage().completionTokens());
        n.set("tokens", m.valueToTree(c.tokens().stream().map(t -> java.util.Map.of("id", t.id(), "text", t.token(),
            "logprob", t.logprob(), "top", t.top())).toList()));
        n.put("latency_ms", c.telemetry() == null ? null : c.telemetry().latencyMs());
        n.set("engine", EngineJson.local(m, engine));
        out.println(m.writeValueAsString(n));
      } else {
        out.println(c.text());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
