package dev.harness.study.kl;

import dev.harness.hub.HubClient;
import dev.harness.study.Json;
import dev.harness.study.StudyContext;
import java.util.ArrayList;
import java.util.List;

/** prepare: read and select the prompts ({@link PromptSource}) and store them with their stable ids. */
final class KlPrepare {
  private final StudyContext ctx;

  KlPrepare(StudyContext ctx) { this.ctx = ctx; }

  String execute() {
    PromptSource.Selection sel = PromptSource.read(ctx.config().section(KlStudyConfig.class).prompts(), ctx.configPath(), HubClient::fromEnv);
    List<KlTables.PromptRow> rows = new ArrayList<>();
    int pos = 0;
    for (PromptSource.Prompt p : sel.prompts()) {
      rows.add(new KlTables.PromptRow(p.id(), pos++, p.sourceIndex(), sel.source(), p.text(),
          Json.sha256(p.text())));
    }
    new KlTables(ctx.store()).replacePrompts(rows);
    if (sel.duplicates() > 0) {
      ctx.log("warning: " + sel.duplicates() + " records repeat an earlier prompt id (same text) and were dropped");
    }
    return sel.recordsRead() + " records read from " + sel.source() + ", " + sel.duplicates() + " duplicates dropped, "
        + rows.size() + " prompts stored";
  }
}
