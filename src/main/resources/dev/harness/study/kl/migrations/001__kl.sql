-- kl version 1: kl study tables (prompts, samples, token_logprobs, cross_scores, divergences, divergence_issues,
-- divergence_summary). Engine variants are recorded in the shared `runs` table (run_id kl:<variant>).
CREATE TABLE prompts (
  prompt_id     TEXT PRIMARY KEY,
  position      INTEGER NOT NULL,
  source_index  INTEGER NOT NULL,
  source        TEXT NOT NULL,
  text          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  chars         INTEGER NOT NULL
);

CREATE TABLE samples (
  unit_key          TEXT PRIMARY KEY,
  variant           TEXT NOT NULL,
  prompt_id         TEXT NOT NULL REFERENCES prompts(prompt_id) ON DELETE CASCADE,
  sample_index      INTEGER NOT NULL,
  seed              INTEGER NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  model             TEXT,
  provider          TEXT,
  text              TEXT,
  finish_reason     TEXT,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  truncated_prompt  INTEGER NOT NULL DEFAULT 0,
  error_kind        TEXT,
  error_message     TEXT,
  http_status       INTEGER,
  attempts          INTEGER NOT NULL,
  latency_ms        REAL,
  response_json     TEXT,
  completed_at      TEXT NOT NULL,
  UNIQUE (variant, prompt_id, sample_index)
);

CREATE TABLE token_logprobs (
  unit_key   TEXT NOT NULL REFERENCES samples(unit_key) ON DELETE CASCADE,
  scorer     TEXT NOT NULL,
  position   INTEGER NOT NULL,
  token      TEXT NOT NULL,
  token_id   INTEGER,
  logprob    REAL,
  top_json   TEXT NOT NULL,
  PRIMARY KEY (unit_key, scorer, position)
);

CREATE TABLE cross_scores (
  unit_key       TEXT NOT NULL REFERENCES samples(unit_key) ON DELETE CASCADE,
  scorer         TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  model          TEXT,
  n_tokens       INTEGER,
  error_kind     TEXT,
  error_message  TEXT,
  latency_ms     REAL,
  completed_at   TEXT NOT NULL,
  PRIMARY KEY (unit_key, scorer)
);

CREATE TABLE divergences (
  variant_a              TEXT NOT NULL,
  variant_b              TEXT NOT NULL,
  estimator              TEXT NOT NULL,
  prompt_id              TEXT NOT NULL,
  rank                   INTEGER NOT NULL,
  value                  REAL,
  ci_low                 REAL,
  ci_high                REAL,
  forward                REAL,
  reverse                REAL,
  n_samples              INTEGER NOT NULL,
  n_tokens               INTEGER NOT NULL,
  mean_coverage          REAL,
  min_coverage           REAL,
  low_coverage_fraction  REAL,
  tvd_low                REAL,
  tvd_high               REAL,
  flags                  TEXT NOT NULL,
  extra_json             TEXT NOT NULL,
  PRIMARY KEY (variant_a, variant_b, estimator, prompt_id)
);

CREATE TABLE divergence_issues (
  kind           TEXT PRIMARY KEY,
  label          TEXT NOT NULL,
  count          INTEGER NOT NULL,
  examples_json  TEXT NOT NULL
);

CREATE TABLE divergence_summary (
  variant_a    TEXT NOT NULL,
  variant_b    TEXT NOT NULL,
  estimator    TEXT NOT NULL,
  n_prompts    INTEGER NOT NULL,
  n_finite     INTEGER NOT NULL,
  n_infinite   INTEGER NOT NULL,
  n_nan        INTEGER NOT NULL,
  mean         REAL,
  mean_lo      REAL,
  mean_hi      REAL,
  median       REAL,
  min          REAL,
  max          REAL,
  ci_level     REAL NOT NULL,
  PRIMARY KEY (variant_a, variant_b, estimator)
);
