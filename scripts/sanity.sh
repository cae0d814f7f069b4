#!/usr/bin/env bash
# Builds harness.jar and runs the sanity study end to end, offline: the README's main command. Self-contained: the
# model (data/fixtures/models/door-qa-llama) and the items (data/fixtures/door_qa.jsonl) are in the repository, so it
# needs neither ../shared nor a Hugging Face cache. Runs SnapKV (sanity.yaml) and StreamingLLM (sanity_streaming.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
mvn -B -q -DskipTests package
java -jar target/harness.jar all -c config/experiments/sanity.yaml "$@"
java -jar target/harness.jar all -c config/experiments/sanity_streaming.yaml "$@"
echo "sanity: reports at runs/sanity_v2/report.md (snapkv) and runs/sanity_streaming_v1/report.md (streaming_llm)"
