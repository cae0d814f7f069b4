-- output_control version 1.
-- output_control tables (control_words, control_items, control_responses, control_results, control_summary)
CREATE TABLE control_words (
  word              TEXT PRIMARY KEY,
  list_rank         INTEGER NOT NULL,
  filter_level      TEXT NOT NULL,
  space_token_id    INTEGER,
  nospace_token_id  INTEGER,
  role              TEXT NOT NULL
);

CREATE TABLE control_items (
  item_id       TEXT PRIMARY KEY,
  case_name     TEXT NOT NULL,
  variant       TEXT NOT NULL,
  pair_index    INTEGER NOT NULL,
  word1         TEXT,
  word2         TEXT,
  seed          INTEGER,
  p             INTEGER NOT NULL,
  q             INTEGER NOT NULL,
  r             INTEGER NOT NULL,
  split         TEXT NOT NULL,
  user_message  TEXT NOT NULL
);

CREATE TABLE control_responses (
  unit_key           TEXT PRIMARY KEY,
  engine_variant     TEXT NOT NULL,
  item_id            TEXT NOT NULL REFERENCES control_items(item_id) ON DELETE CASCADE,
  status             TEXT NOT NULL,
  prompt_tokens      INTEGER,
  vocab_size         INTEGER,
  full_vocabulary    INTEGER,
  distribution_json  TEXT,
  rest_mass          REAL,
  error_kind         TEXT,
  error_message      TEXT,
  latency_ms         REAL,
  created_at         TEXT NOT NULL
);
CREATE INDEX control_responses_variant ON control_responses(engine_variant, item_id);

CREATE TABLE control_results (
  engine_variant  TEXT NOT NULL,
  item_id         TEXT NOT NULL REFERENCES control_items(item_id) ON DELETE CASCADE,
  scorer          TEXT NOT NULL,
  tvd             REAL NOT NULL,
  pass            INTEGER NOT NULL,
  word1           TEXT,
  p1              REAL NOT NULL,
  word2           TEXT,
  p2              REAL NOT NULL,
  other_mass      REAL NOT NULL,
  blocked_mass    REAL NOT NULL,
  PRIMARY KEY (engine_variant, item_id)
);

CREATE TABLE control_summary (
  engine_variant  TEXT NOT NULL,
  grouping        TEXT NOT NULL,
  case_name       TEXT NOT NULL,
  variant         TEXT NOT NULL,
  p               INTEGER,
  r               INTEGER,
  n               INTEGER NOT NULL,
  passes          INTEGER NOT NULL,
  pass_rate       REAL,
  pass_lo         REAL,
  pass_hi         REAL,
  mean_tvd        REAL,
  tvd_lo          REAL,
  tvd_hi          REAL,
  mean_p1         REAL,
  p1_lo           REAL,
  p1_hi           REAL
);

CREATE TABLE control_comparisons (
  engine_variant  TEXT NOT NULL,
  baseline        TEXT NOT NULL,
  case_name       TEXT NOT NULL,
  variant         TEXT NOT NULL,
  n               INTEGER NOT NULL,
  baseline_passes INTEGER NOT NULL,
  passes          INTEGER NOT NULL,
  only_baseline   INTEGER NOT NULL,
  only_variant    INTEGER NOT NULL,
  mcnemar_p       REAL NOT NULL,
  tvd_diff        REAL,
  tvd_diff_lo     REAL,
  tvd_diff_hi     REAL
);
