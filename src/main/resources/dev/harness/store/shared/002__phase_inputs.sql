-- shared version 2: the inputs each phase was done with (top-level keys of Study.phaseInputs), so `harness status`
-- can say which inputs changed. (Old layout: the last statement of V7__run_identity.sql.)
ALTER TABLE phases ADD COLUMN inputs_json TEXT;
