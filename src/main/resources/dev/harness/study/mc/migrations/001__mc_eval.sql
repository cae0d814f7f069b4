-- mc_eval version 1: the mc_eval study (lm-eval-style multiple choice for base and adapter variants).
CREATE TABLE mc_tasks (
  task          TEXT PRIMARY KEY,
  source        TEXT NOT NULL,
  n_source      INTEGER NOT NULL,
  n_selected    INTEGER NOT NULL,
  subset        TEXT NOT NULL,
  doc_limit     INTEGER,
  prepared_at   TEXT NOT NULL
);

CREATE TABLE mc_items (
  task        TEXT NOT NULL,
  doc_id      INTEGER NOT NULL,
  source_id   TEXT,
  source      TEXT NOT NULL,
  question    TEXT NOT NULL,
  context     TEXT NOT NULL,
  gold        INTEGER NOT NULL,
  n_choices   INTEGER NOT NULL,
  doc_json    TEXT NOT NULL,
  doc_hash    TEXT NOT NULL,
  PRIMARY KEY (task, doc_id)
);

CREATE TABLE mc_choices (
  task          TEXT NOT NULL,
  doc_id        INTEGER NOT NULL,
  choice_index  INTEGER NOT NULL,
  text          TEXT NOT NULL,
  label         INTEGER NOT NULL CHECK (label IN (0, 1)),
  continuation  TEXT NOT NULL,
  PRIMARY KEY (task, doc_id, choice_index),
  FOREIGN KEY (task, doc_id) REFERENCES mc_items(task, doc_id) ON DELETE CASCADE
);

CREATE TABLE mc_results (
  unit_key          TEXT PRIMARY KEY,
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  variant           TEXT NOT NULL,
  variant_hash      TEXT NOT NULL,
  task              TEXT NOT NULL,
  doc_id            INTEGER NOT NULL,
  choice_index      INTEGER NOT NULL,
  seed              INTEGER NOT NULL,
  loglik            REAL NOT NULL,
  is_greedy         INTEGER NOT NULL,
  n_tokens          INTEGER NOT NULL,
  scored_with_seed  INTEGER NOT NULL,
  batch_size        INTEGER NOT NULL,
  created_at        TEXT NOT NULL,
  FOREIGN KEY (task, doc_id, choice_index) REFERENCES mc_choices(task, doc_id, choice_index) ON DELETE CASCADE
);
CREATE INDEX mc_results_variant ON mc_results(variant, task, seed);

CREATE TABLE mc_item_metrics (
  variant  TEXT NOT NULL,
  task     TEXT NOT NULL,
  doc_id   INTEGER NOT NULL,
  seed     INTEGER NOT NULL,
  metric   TEXT NOT NULL,
  value    REAL NOT NULL,
  PRIMARY KEY (variant, task, doc_id, seed, metric),
  FOREIGN KEY (task, doc_id) REFERENCES mc_items(task, doc_id) ON DELETE CASCADE
);

CREATE TABLE mc_summary (
  variant  TEXT NOT NULL,
  task     TEXT NOT NULL,
  seed     TEXT NOT NULL,
  metric   TEXT NOT NULL,
  n        INTEGER NOT NULL,
  mean     REAL,
  lo       REAL,
  hi       REAL,
  stderr   REAL,
  PRIMARY KEY (variant, task, seed, metric)
);

CREATE TABLE comparisons (
  variant        TEXT NOT NULL,
  baseline       TEXT NOT NULL,
  task           TEXT NOT NULL,
  metric         TEXT NOT NULL,
  n              INTEGER NOT NULL,
  mean_variant   REAL,
  mean_baseline  REAL,
  delta          REAL,
  lo             REAL,
  hi             REAL,
  b              INTEGER,
  c              INTEGER,
  exact_p        REAL,
  chi2           REAL,
  chi2_p         REAL,
  PRIMARY KEY (variant, baseline, task, metric)
);
