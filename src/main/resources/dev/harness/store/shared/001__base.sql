-- shared version 1: phases and the run bookkeeping tables (runs, requests, responses, telemetry, scores, failures).
-- Split from the single-chain V1__base.sql (user_version 1 of the old layout).
CREATE TABLE phases (
  phase         TEXT PRIMARY KEY,
  fingerprint   TEXT NOT NULL,
  completed_at  TEXT NOT NULL,
  summary       TEXT
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

