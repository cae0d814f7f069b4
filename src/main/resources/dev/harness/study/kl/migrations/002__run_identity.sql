-- kl version 2: run identity (issue 12). (Old layout: V7__run_identity.sql less its phases statement, now shared 2.)
-- kl samples: unit keys now carry the unit's identity hash, so one (variant, prompt, sample index) may have rows of
-- several configurations (the old ones are kept, not current). The UNIQUE (variant, prompt_id, sample_index) goes:
-- the three tables are rebuilt (children first dropped, so no cascade runs; renaming samples_v7 to samples rewrites
-- the children's references).
CREATE TABLE samples_v7 (
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
  completed_at      TEXT NOT NULL
);
INSERT INTO samples_v7 SELECT unit_key, variant, prompt_id, sample_index, seed, status, model, provider, text,
  finish_reason, prompt_tokens, completion_tokens, truncated_prompt, error_kind, error_message, http_status, attempts,
  latency_ms, response_json, completed_at FROM samples;
CREATE INDEX samples_v7_place ON samples_v7(variant, prompt_id, sample_index);

CREATE TABLE token_logprobs_v7 (
  unit_key   TEXT NOT NULL REFERENCES samples_v7(unit_key) ON DELETE CASCADE,
  scorer     TEXT NOT NULL,
  position   INTEGER NOT NULL,
  token      TEXT NOT NULL,
  token_id   INTEGER,
  logprob    REAL,
  top_json   TEXT NOT NULL,
  PRIMARY KEY (unit_key, scorer, position)
);
INSERT INTO token_logprobs_v7 SELECT unit_key, scorer, position, token, token_id, logprob, top_json FROM token_logprobs;

CREATE TABLE cross_scores_v7 (
  unit_key       TEXT NOT NULL REFERENCES samples_v7(unit_key) ON DELETE CASCADE,
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
INSERT INTO cross_scores_v7 SELECT unit_key, scorer, status, model, n_tokens, error_kind, error_message, latency_ms,
  completed_at FROM cross_scores;

DROP TABLE cross_scores;
DROP TABLE token_logprobs;
DROP TABLE samples;
ALTER TABLE samples_v7 RENAME TO samples;
ALTER TABLE token_logprobs_v7 RENAME TO token_logprobs;
ALTER TABLE cross_scores_v7 RENAME TO cross_scores;

-- kl prompts: a prompt no longer selected is kept (selected = 0) with its samples, instead of deleted with them.
ALTER TABLE prompts ADD COLUMN selected INTEGER NOT NULL DEFAULT 1;

