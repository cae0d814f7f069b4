package dev.harness.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.HarnessException;
import dev.harness.engine.local.LocalEngine;
import dev.harness.engine.local.LogProbs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code harness logprobs}: per-position top-k log-probabilities of a sequence (position i = the distribution of
 * token i+1), the log-probability of each actual next token, and the next-token distribution after the last one.
 * The {@code --json} shape is fixed (DESIGN §9).
 */
@Command(name = "logprobs", mixinStandardHelpOptions = true,
    description = "Per-position top-k log-probabilities of a sequence from the local engine.")
final class LogprobsCommand implements Callable<Integer> {
  @Mixin LocalModelOptions model;
  @Spec CommandSpec spec;

  static final class Input {
    @Option(names = "--text", paramLabel = "TEXT", description = "Text, tokenized with the model's default special tokens.")
    String text;

    @Option(names = "--ids", split = ",", paramLabel = "1,2,3", description = "Token ids, used as given (no special tokens added).")
    List<Integer> ids;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") Input input;

  @Option(names = "--top-k", defaultValue = "5", paramLabel = "K") int topK;
  @Option(names = "--json", description = "Print one JSON document.") boolean json;

  @Override
  public Integer call() throws Exception {
    if (topK < 1) throw HarnessException.usage("--top-k: expected >= 1, got " + topK);
    try (LocalEngine engine = model.open()) {
      int[] ids = input.text != null ? engine.hfTokenizer().encodeIds(input.text, true)
          : input.ids.stream().mapToInt(Integer::intValue).toArray();
      if (ids.length == 0) throw HarnessException.usage("the sequence is empty: nothing to score");
      for (int id : ids) {
        if (id < 0 || id >= engine.vocabSize()) {
          throw HarnessException.usage("--ids: token id " + id + " is outside the vocabulary [0, " + engine.vocabSize() + ")");
        }
      }
      double[][] lp = engine.logSoftmaxAll(ids);
      ObjectMapper m = new ObjectMapper();
      ObjectNode doc = m.createObjectNode();
      doc.put("model", model.model);
      ArrayNode idArr = doc.putArray("ids");
      for (int id : ids) idArr.add(id);
      ArrayNode positions = doc.putArray("positions");
      double sum = 0;
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < ids.length; i++) {
        ObjectNode p = positions.addObject();
        p.put("index", i);
        ArrayNode top = p.putArray("top");
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d %-14s", i, quote(piece(engine, ids[i]))));
        for (int id : LogProbs.topK(lp[i], Math.min(topK, lp[i].length))) {
          ObjectNode t = top.addObject();
          t.put("id", id);
          t.put("logprob", lp[i][id]);
          t.put("text", piece(engine, id));
          line.append(String.format(Locale.ROOT, "  %s %.3f", quote(piece(engine, id)), lp[i][id]));
        }
        if (i + 1 < ids.length) {
          double next = lp[i][ids[i + 1]];
          p.put("next_id", ids[i + 1]);
          p.put("next_logprob", next);
          sum += next;
          line.append(String.format(Locale.ROOT, "   next %s %.4f", quote(piece(engine, ids[i + 1])), next));
        }
        lines.add(line.toString());
      }
      doc.put("sum_logprob", sum);
      doc.set("engine", EngineJson.local(m, engine)); // an addition after DESIGN §9's fixed keys: device, libtorch, dtype
      var out = spec.commandLine().getOut();
      if (json) {
        out.println(m.writeValueAsString(doc));
      } else {
        out.println("pos token          top-" + topK + " (log-prob)   next token log-prob");
        lines.forEach(out::println);
        out.printf(Locale.ROOT, "sum_logprob %.6f over %d predicted tokens%n", sum, ids.length - 1);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private static String piece(LocalEngine engine, int id) {
    return engine.tokenizer().decode(List.of(id));
  }

  private static String quote(String s) {
    return "'" + s.replace("\n", "\\n") + "'";
  }
}
