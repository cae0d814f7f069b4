package dev.harness.study.kl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harness.HarnessException;
import dev.harness.config.EngineConfig;
import dev.harness.study.StudyContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code runs/<id>/dumps/<variant>.jsonl} from the store, in the dump format of reference/kl.md that
 * {@code harness kl} reads: one line per ok sample {@code {prompt_id, prompt, model, variant, provider, sample_index,
 * response}}; for the compared pair, {@code cross = {model, variant, response}} holds the other variant's
 * teacher-forced log-probs of exactly that sample's tokens when they were computed. Failed samples are not written
 * (they are in the store and the report). Each file is written to a temporary name and moved into place.
 */
final class KlDumps {
  private KlDumps() {}

  static int write(StudyContext ctx) {
    KlTables tables = new KlTables(ctx.store());
    KlUnits.Pair pair = KlUnits.pair(ctx.config());
    Map<String, KlTables.PromptRow> prompts = new HashMap<>();
    tables.prompts().forEach(p -> prompts.put(p.promptId(), p));
    Map<String, KlTables.CrossRow> cross = new HashMap<>();
    for (KlTables.CrossRow r : tables.crossScores()) if (r.ok()) cross.put(r.unitKey() + "|" + r.scorer(), r);
    List<KlTables.SampleRow> samples = KlUnits.current(ctx.config(), tables, tables.samplesWithResponses());
    Map<String, String> labels = new HashMap<>();
    for (EngineConfig v : ctx.config().engines()) labels.put(v.name(), KlUnits.crossScorer(ctx.config(), v));
    Path dir = KlUnits.dumpDir(ctx.runDir());
    int lines = 0;
    try {
      Files.createDirectories(dir);
      for (EngineConfig v : ctx.config().engines()) {
        String other = v.name().equals(pair.nameA()) ? pair.nameB() : v.name().equals(pair.nameB()) ? pair.nameA() : null;
        Path file = KlUnits.dump(ctx.runDir(), v.name());
        Path tmp = dir.resolve(v.name() + ".jsonl.tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          for (KlTables.SampleRow s : samples) {
            if (!s.ok() || !s.variant().equals(v.name())) continue;
            ObjectNode line = KlResponses.JSON.createObjectNode().put("prompt_id", s.promptId())
                .put("prompt", prompts.get(s.promptId()).text()).put("model", s.model()).put("variant", s.variant());
            if (s.provider() != null) line.put("provider", s.provider());
            line.put("sample_index", s.sampleIndex());
            line.set("response", KlResponses.parse(s.responseJson()));
            KlTables.CrossRow c = other == null ? null : cross.get(s.unitKey() + "|" + labels.get(other));
            if (c != null) {
              ObjectNode cr = line.putObject("cross").put("model", c.model()).put("variant", other);
              cr.set("response", KlResponses.chat(c.model(), null, s.text(), null,
                  KlResponses.tokens(tables.tokens(s.unitKey(), labels.get(other))), null));
            }
            w.write(line.toString());
            w.write('\n');
            lines++;
          }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw HarnessException.failure("writing dumps to " + dir + ": " + e.getMessage(), e);
    }
    return lines;
  }
}
