#!/usr/bin/env bash
# The offline examples of the other studies and of finetune, on the tiny checkpoints in ../shared/models:
# kv_transition on tiny-random-gpt2 (the GPT-2 code path) → finetune (SFT, 40 steps) → kl (base vs base + LoRA) →
# mc_eval (base vs LoRA, 50 docs per task) → output_control (the full 200-item grid per prompt variant).
# Builds the jar first if it is missing. CI runs it after sanity.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HOME="${HF_HOME:-$PWD/.hf-cache}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
[ -f target/harness.jar ] || mvn -B -q -DskipTests package
scripts/hf-cache.sh "$HF_HOME"
H=(java -jar target/harness.jar)
"${H[@]}" all -c config/experiments/sanity_gpt2.yaml
"${H[@]}" finetune -c config/finetune/sft_sanity.yaml
"${H[@]}" all -c config/experiments/kl_adapter.yaml
"${H[@]}" all -c config/experiments/mc_eval_sanity.yaml
"${H[@]}" all -c config/experiments/output_control_sanity.yaml
for f in runs/sanity_gpt2_v1/report.md runs/adapters/sft_sanity/adapter_model.safetensors runs/kl_adapter/report.md runs/mc_eval_sanity/report.md \
    runs/output_control_sanity/report.md; do
  [ -s "$f" ] || { echo "studies-sanity: missing $f" >&2; exit 1; }
done
echo "studies-sanity: reports in runs/{sanity_gpt2_v1,kl_adapter,mc_eval_sanity,output_control_sanity}/report.md"
