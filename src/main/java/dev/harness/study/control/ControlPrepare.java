package dev.harness.study.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harness.config.EngineConfig;
import dev.harness.config.ExperimentConfig;
import dev.harness.engine.Message;
import dev.harness.engine.Tokenizer;
import dev.harness.report.TextFiles;
import dev.harness.study.StudyContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * prepare: the word list (built-in or file, filtered by every variant's tokenizer), the word pairs and seeds, the grid
 * into the store, and the training split as {@code control_train.jsonl} for {@code harness finetune} (objective tvd).
 */
final class ControlPrepare {
  static final String TRAIN_FILE = "control_train.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StudyContext ctx;

  ControlPrepare(StudyContext ctx) { this.ctx = ctx; }

  static Path trainFile(StudyContext ctx) { return ctx.runDir().resolve(TRAIN_FILE); }

  String execute() {
    ExperimentConfig c = ctx.config();
    GridConfig g = c.section(ControlStudyConfig.class).grid();
    List<String> candidates = WordList.candidates(WordList.load(c.section(ControlStudyConfig.class).words().source()), c.section(ControlStudyConfig.class).control().blocklist());
    List<Tokenizer> toks = new ArrayList<>();
    Set<String> sources = new LinkedHashSet<>();
    List<String> without = new ArrayList<>();
    for (int i = 0; i < c.variants().size(); i++) {
      EngineConfig e = c.variants().get(i);
      String src = e.isLocal() ? e.model() : e.tokenizer();
      if (src == null) {
        without.add(e.label());
        continue;
      }
      if (sources.add(src)) ctx.engines().tokenizer(e, ctx.configPath()).ifPresent(toks::add);
    }
    int minCount = c.section(ControlStudyConfig.class).words().minCount() != null ? c.section(ControlStudyConfig.class).words().minCount() : 2 * (g.nPairs() + g.trainPairs());
    WordList.Filtered f = WordList.filter(candidates, toks, minCount);
    if (!without.isEmpty()) {
      ctx.log("[prepare] variants without a tokenizer (set engine.tokenizer to filter for them): " + without);
    }
    String note = switch (f.level()) {
      case "strict" -> f.words().size() + " of " + f.candidates() + " words are one token after the prefill with and "
          + "without a space";
      case "leading_space" -> "only " + f.strictCount() + " of " + f.candidates() + " words are one token with and "
          + "without a space (fewer than " + minCount + "): relaxed to one token with a leading space (" + f.spaceCount()
          + " words)";
      default -> toks.isEmpty() ? "no tokenizer known: the word list is used unfiltered (" + f.words().size() + " words)"
          : "fewer than 2 words are one token even with a leading space: the word list is used UNFILTERED ("
              + f.words().size() + " words; given-word targets are then read from their first token only)";
    };
    if (!"strict".equals(f.level())) ctx.log("[prepare] word filter: " + note);

    List<String> shuffled = ControlGrid.shuffled(f.words().stream().map(WordList.Word::word).toList(),
        c.section(ControlStudyConfig.class).words().seed(), c.section(ControlStudyConfig.class).words().maxCount());
    ControlGrid.Pairs pairs = ControlGrid.pairs(shuffled, g.nPairs(), g.trainPairs(), ctx.configPath());
    List<Long> seeds = ControlGrid.seeds(g.seed(), g.nSeeds());
    List<ControlItem> items = ControlGrid.items(g, pairs, seeds);

    Map<String, String> role = new HashMap<>();
    pairs.train().forEach(p -> { role.put(p.w1(), "train"); role.put(p.w2(), "train"); });
    pairs.eval().forEach(p -> { role.put(p.w1(), "eval"); role.put(p.w2(), "eval"); });
    Map<String, WordList.Word> byWord = new HashMap<>();
    f.words().forEach(w -> byWord.put(w.word(), w));
    List<ControlTables.WordRow> wordRows = new ArrayList<>();
    for (int i = 0; i < shuffled.size(); i++) {
      WordList.Word w = byWord.get(shuffled.get(i));
      wordRows.add(new ControlTables.WordRow(w.word(), i, f.level(), w.spaceTokenId(), w.nospaceTokenId(),
          role.getOrDefault(w.word(), "unused")));
    }
    List<ControlTables.ItemRow> rows = items.stream().map(ControlPrepare::row).toList();
    int changed = new ControlTables(ctx.store()).replaceGrid(wordRows, rows);

    long train = items.stream().filter(i -> "train".equals(i.split())).count();
    Path trainFile = trainFile(ctx);
    if (train > 0) {
      writeTrainFile(trainFile, items.stream().filter(i -> "train".equals(i.split())).toList());
    } else {
      try {
        Files.deleteIfExists(trainFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Map<String, Long> perCase = new LinkedHashMap<>();
    items.stream().filter(i -> "eval".equals(i.split())).forEach(i -> perCase.merge(i.caseName() + "/" + i.variant(), 1L, Long::sum));
    return (items.size() - train) + " eval items " + perCase + ", " + train + " training items"
        + (train > 0 ? " in " + trainFile : "") + "; words: " + note + (pairs.disjointWords() ? "" : "; pairs share words")
        + "; " + changed + " items new or changed";
  }

  static ControlTables.ItemRow row(ControlItem i) {
    return new ControlTables.ItemRow(i.itemId(), i.caseName(), i.variant(), i.pairIndex(), i.word1(), i.word2(),
        i.seed(), i.p(), i.q(), i.r(), i.split(), ControlPrompts.userMessage(i));
  }

  /**
   * One JSON line per training item: {@code {"messages": [...few-shot + user...], "prefill": "My answer is:",
   * "targets": {" w1": p/100, " w2": q/100}}} — the format {@code finetune}'s tvd objective reads.
   */
  static void writeTrainFile(Path file, List<ControlItem> items) {
    StringBuilder sb = new StringBuilder();
    for (ControlItem it : items) {
      Map<String, Object> line = new LinkedHashMap<>();
      List<Map<String, String>> msgs = new ArrayList<>();
      for (Message m : ControlPrompts.messages(it)) {
        Map<String, String> mm = new LinkedHashMap<>();
        mm.put("role", m.role());
        mm.put("content", m.content());
        msgs.add(mm);
      }
      line.put("messages", msgs);
      line.put("prefill", ControlPrompts.PREFILL);
      Map<String, Double> targets = new LinkedHashMap<>();
      targets.put(" " + it.word1(), it.p() / 100.0);
      targets.put(" " + it.word2(), it.q() / 100.0);
      line.put("targets", targets);
      try {
        sb.append(JSON.writeValueAsString(line)).append('\n');
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    TextFiles.writeAtomically(file, sb.toString());
  }
}
