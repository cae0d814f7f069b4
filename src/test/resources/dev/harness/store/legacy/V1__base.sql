-- Schema version 1: shared tables and the kv_transition study tables.
CREATE TABLE phases (
  phase         TEXT PRIMARY KEY,
  fingerprint   TEXT NOT NULL,
  completed_at  TEXT NOT NULL,
  summary       TEXT
);

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

CREATE TABLE runs (
  run_id            TEXT PRIMARY KEY,
  study             TEXT NOT NULL,
  variant           TEXT NOT NULL,
  budget            REAL,
  seed              INTEGER,
  engine_kind       TEXT NOT NULL,
  model             TEXT NOT NULL,
  engine_info_json  TEXT NOT NULL,
  config_json       TEXT NOT NULL,
  environment_json  TEXT NOT NULL,
  created_at        TEXT NOT NULL
);

CREATE TABLE requests (
  unit_key       TEXT PRIMARY KEY,
  run_id         TEXT NOT NULL REFERENCES runs(run_id),
  item_id        TEXT NOT NULL,
  sample_index   INTEGER NOT NULL DEFAULT 0,
  prompt_sha256  TEXT NOT NULL,
  prompt_chars   INTEGER NOT NULL,
  prompt_tokens  INTEGER,
  truncated      INTEGER NOT NULL DEFAULT 0,
  params_json    TEXT NOT NULL,
  created_at     TEXT NOT NULL
);
CREATE INDEX requests_run ON requests(run_id);

CREATE TABLE responses (
  unit_key          TEXT PRIMARY KEY REFERENCES requests(unit_key) ON DELETE CASCADE,
  status            TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  text              TEXT,
  finish_reason     TEXT,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  logprobs_json     TEXT,
  error_kind        TEXT,
  error_message     TEXT,
  http_status       INTEGER,
  attempts          INTEGER NOT NULL,
  completed_at      TEXT NOT NULL
);

CREATE TABLE telemetry (
  unit_key        TEXT PRIMARY KEY REFERENCES requests(unit_key) ON DELETE CASCADE,
  latency_ms      REAL NOT NULL,
  ttft_ms         REAL,
  http_status     INTEGER,
  attempts        INTEGER NOT NULL,
  prompt_tokens   INTEGER,
  completion_tokens INTEGER,
  prefill_ms      REAL,
  decode_ms       REAL,
  decode_tps      REAL,
  kv_full_bytes   INTEGER,
  kv_kept_bytes   INTEGER,
  peak_rss_bytes  INTEGER,
  extra_json      TEXT
);

CREATE TABLE scores (
  unit_key  TEXT NOT NULL REFERENCES requests(unit_key) ON DELETE CASCADE,
  metric    TEXT NOT NULL,
  value     REAL NOT NULL,
  PRIMARY KEY (unit_key, metric)
);

CREATE TABLE failures (
  unit_key        TEXT NOT NULL REFERENCES requests(unit_key) ON DELETE CASCADE,
  failure_type    TEXT NOT NULL CHECK (failure_type IN ('RATE_LIMITED', 'TIMEOUT', 'ENGINE_ERROR', 'EMPTY_OUTPUT',
                                                         'TRUNCATED', 'REFUSAL', 'FORMAT_ERROR')),
  infrastructure  INTEGER NOT NULL,
  evidence        TEXT NOT NULL,
  PRIMARY KEY (unit_key, failure_type)
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
