-- mc_eval version 2: mc_eval failure rows (issue 12 item 5). One row per failed unit (variant, task, doc, choice,
-- seed; the unit key of mc_results), written as the unit fails, with the engine's evidence. A later successful score
-- of the same unit removes its failure row (the unit is no longer failed); rows of other configurations are kept.
CREATE TABLE mc_failures (
  unit_key       TEXT PRIMARY KEY,
  variant        TEXT NOT NULL,
  task           TEXT NOT NULL,
  doc_id         INTEGER NOT NULL,
  choice_index   INTEGER NOT NULL,
  seed           INTEGER NOT NULL,
  failure_type   TEXT NOT NULL,
  message        TEXT NOT NULL,
  http_status    INTEGER,
  attempts       INTEGER NOT NULL,
  created_at     TEXT NOT NULL
);
CREATE INDEX mc_failures_variant ON mc_failures(variant, task);
