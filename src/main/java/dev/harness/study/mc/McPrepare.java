package dev.harness.study.mc;

import dev.harness.config.ExperimentConfig;
import dev.harness.data.mc.McDoc;
import dev.harness.data.mc.McReader;
import dev.harness.data.mc.McSubset;
import dev.harness.data.mc.McTask;
import dev.harness.hub.HubClient;
import dev.harness.study.Json;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.List;

/**
 * prepare: reads each task's documents, selects {@code limit} of them ({@code mc.subset}), builds lm-eval's prompt and
 * continuations, and stores items and choices (one transaction per task; unchanged items keep their results).
 */
final class McPrepare {
  private final StudyContext ctx;

  McPrepare(StudyContext ctx) { this.ctx = ctx; }

  static String source(ExperimentConfig c, McTask task) {
    return c.section(McStudyConfig.class).mc().sources().getOrDefault(task.id(), task.defaultSource());
  }

  String execute() {
    ExperimentConfig c = ctx.config();
    McTables tables = new McTables(ctx.store());
    // read and check every task before writing any (a bad file leaves the store as it was)
    List<McTables.TaskRow> tasks = new ArrayList<>();
    List<List<McTables.ItemRow>> items = new ArrayList<>();
    for (String id : c.section(McStudyConfig.class).tasks()) {
      McTask task = McTask.byId(id).orElseThrow();
      String source = source(c, task);
      List<McDoc> all = McReader.read(task, source, source.startsWith("hf://") ? HubClient.fromEnv() : null);
      List<McDoc> docs = McSubset.select(all, c.section(McStudyConfig.class).limit(), c.section(McStudyConfig.class).mc().subset(), c.section(McStudyConfig.class).mc().subsetSeed());
      List<McTables.ItemRow> rows = new ArrayList<>();
      for (McDoc d : docs) rows.add(item(task, source, d));
      items.add(rows);
      tasks.add(new McTables.TaskRow(id, source, all.size(), docs.size(), c.section(McStudyConfig.class).mc().subset(), c.section(McStudyConfig.class).limit()));
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      McTables.TaskRow t = tasks.get(i);
      tables.replaceItems(t.task(), items.get(i));
      tables.upsertTask(t);
      parts.add(t.task() + " " + t.nSelected() + "/" + t.nSource() + " docs");
    }
    tables.retainTasks(c.section(McStudyConfig.class).tasks());
    return String.join(", ", parts);
  }

  static McTables.ItemRow item(McTask task, String source, McDoc d) {
    String context = task.prompt(d.question());
    List<McTables.ChoiceRow> choices = new ArrayList<>();
    for (int i = 0; i < d.choices().size(); i++) {
      choices.add(new McTables.ChoiceRow(i, d.choices().get(i), d.labels().get(i), McTask.continuation(d.choices().get(i))));
    }
    String docJson = PyJson.dumps(d.doc(), 2);
    String hash = Json.sha256(docJson + "\u0000" + context + "\u0000" + d.gold() + "\u0000" + d.labels());
    return new McTables.ItemRow(task.id(), d.docId(), d.sourceId(), source, d.question(), context, d.gold(), docJson,
        hash, choices);
  }
}
