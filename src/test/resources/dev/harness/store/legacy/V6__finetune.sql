-- finetune tables (train_runs, train_steps): one row per training run (a resumed run keeps its run_id) and one per
-- optimizer step.
CREATE TABLE train_runs (
  run_id           TEXT PRIMARY KEY,
  started_at       TEXT NOT NULL,
  finished_at      TEXT,
  status           TEXT NOT NULL,          -- running | done | stopped
  model            TEXT NOT NULL,
  quantization     TEXT NOT NULL,
  objective        TEXT NOT NULL,
  config_json      TEXT NOT NULL,
  n_train          INTEGER NOT NULL,
  n_eval           INTEGER NOT NULL,
  total_steps      INTEGER NOT NULL,
  lora_params      INTEGER NOT NULL,
  adapter_dir      TEXT NOT NULL,
  final_loss       REAL,
  final_eval_loss  REAL,
  eval_ci_lo       REAL,
  eval_ci_hi       REAL
);

CREATE TABLE train_steps (
  run_id     TEXT NOT NULL REFERENCES train_runs(run_id) ON DELETE CASCADE,
  step       INTEGER NOT NULL,
  epoch      REAL NOT NULL,
  lr         REAL NOT NULL,
  loss       REAL NOT NULL,
  eval_loss  REAL,
  grad_norm  REAL NOT NULL,
  tokens     INTEGER NOT NULL,
  seconds    REAL NOT NULL,
  PRIMARY KEY (run_id, step)
);
