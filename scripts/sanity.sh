#!/usr/bin/env bash
# Builds harness.jar and runs the sanity study end to end, offline: the README's main command.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HOME="${HF_HOME:-$PWD/.hf-cache}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
mvn -B -q -DskipTests package
scripts/hf-cache.sh "$HF_HOME"
java -jar target/harness.jar all -c config/experiments/sanity.yaml "$@"
echo "sanity: report at runs/sanity_v1/report.md"
