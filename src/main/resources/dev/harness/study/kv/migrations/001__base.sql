-- kv_transition version 1: datasets, examples, bins, manifest_entries, bin_stats, transition_summary.
-- Split from the single-chain V1__base.sql.
CREATE TABLE datasets (
  dataset_id     TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  task           TEXT NOT NULL,
  source         TEXT NOT NULL,
  split          TEXT,
  n_examples     INTEGER NOT NULL,
  length_measure TEXT NOT NULL,
  manifest_path  TEXT,
  created_at     TEXT NOT NULL
);

CREATE TABLE examples (
  dataset_id     TEXT NOT NULL REFERENCES datasets(dataset_id) ON DELETE CASCADE,
  example_id     TEXT NOT NULL,
  input          TEXT NOT NULL,
  context        TEXT NOT NULL,
  answers_json   TEXT NOT NULL,
  length_words   INTEGER,
  prompt_tokens  INTEGER NOT NULL,
  extra_json     TEXT,
  PRIMARY KEY (dataset_id, example_id)
);

CREATE TABLE bins (
  dataset_id  TEXT NOT NULL REFERENCES datasets(dataset_id) ON DELETE CASCADE,
  bin_index   INTEGER NOT NULL,
  lo_tokens   INTEGER NOT NULL,
  hi_tokens   INTEGER NOT NULL,
  label       TEXT NOT NULL,
  PRIMARY KEY (dataset_id, bin_index)
);

CREATE TABLE manifest_entries (
  dataset_id     TEXT NOT NULL,
  example_id     TEXT NOT NULL,
  bin_index      INTEGER NOT NULL,
  prompt_tokens  INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, example_id),
  FOREIGN KEY (dataset_id, example_id) REFERENCES examples(dataset_id, example_id) ON DELETE CASCADE,
  FOREIGN KEY (dataset_id, bin_index) REFERENCES bins(dataset_id, bin_index) ON DELETE CASCADE
);

CREATE TABLE bin_stats (
  budget            REAL NOT NULL,
  bin_index         INTEGER NOT NULL,
  bin_label         TEXT NOT NULL,
  n_units           INTEGER NOT NULL,
  n_scored          INTEGER NOT NULL,
  em_mean REAL, em_lo REAL, em_hi REAL,
  f1_mean REAL, f1_lo REAL, f1_hi REAL,
  answer_loglik_mean REAL, answer_loglik_lo REAL, answer_loglik_hi REAL,
  n_failed          INTEGER NOT NULL,
  fail_rate REAL, fail_lo REAL, fail_hi REAL,
  n_infra_failed    INTEGER NOT NULL,
  latency_p50_ms    REAL,
  latency_p95_ms    REAL,
  kv_full_bytes_mean REAL,
  kv_kept_bytes_mean REAL,
  PRIMARY KEY (budget, bin_index)
);

CREATE TABLE transition_summary (
  budget           REAL PRIMARY KEY,
  metric           TEXT NOT NULL,
  threshold        REAL NOT NULL,
  baseline         TEXT NOT NULL,
  transition_bin   INTEGER,
  transition_label TEXT,
  evidence         TEXT NOT NULL,
  details_json     TEXT NOT NULL
);
