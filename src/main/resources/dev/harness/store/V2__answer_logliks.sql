-- Schema version 2: teacher-forced log-likelihood of each gold answer given the (compressed) prompt.
CREATE TABLE answer_logliks (
  unit_key      TEXT NOT NULL REFERENCES requests(unit_key) ON DELETE CASCADE,
  answer_index  INTEGER NOT NULL,
  answer        TEXT NOT NULL,
  sum_logprob   REAL NOT NULL,
  n_tokens      INTEGER NOT NULL,
  mean_logprob  REAL NOT NULL,
  PRIMARY KEY (unit_key, answer_index)
);
