-- kv_transition version 2: teacher-forced log-likelihood of each gold answer given the (compressed) prompt.
CREATE TABLE answer_logliks (
  unit_key      TEXT NOT NULL REFERENCES requests(unit_key) ON DELETE CASCADE,
  answer_index  INTEGER NOT NULL,
  answer        TEXT NOT NULL,
  sum_logprob   REAL NOT NULL,
  n_tokens      INTEGER NOT NULL,
  mean_logprob  REAL NOT NULL,
  PRIMARY KEY (unit_key, answer_index)
);

-- A transition is detected for every scored metric, not only the headline one: key by (budget, metric).
-- The table only holds what analyze derives from the scores, so it is rebuilt empty.
DROP TABLE transition_summary;
CREATE TABLE transition_summary (
  budget           REAL NOT NULL,
  metric           TEXT NOT NULL,
  threshold        REAL NOT NULL,
  baseline         TEXT NOT NULL,
  transition_bin   INTEGER,
  transition_label TEXT,
  evidence         TEXT NOT NULL,
  details_json     TEXT NOT NULL,
  PRIMARY KEY (budget, metric)
);
