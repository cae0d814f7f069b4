#!/usr/bin/env bash
# Lays out a Hugging Face hub cache (the layout huggingface_hub writes: blobs/, refs/main, snapshots/<commit>/)
# from the tiny checkpoints in ../shared/models, so that `engine.model: hf-internal-testing/tiny-random-gpt2`
# resolves offline exactly as a model downloaded by Python tools would.
#   usage: scripts/hf-cache.sh [HF_HOME]     (default: $HF_HOME, else ./.hf-cache)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_DIR:-$here/../shared}"
hf_home="${1:-${HF_HOME:-$here/.hf-cache}}"
models="$shared/models"
[ -d "$models" ] || { echo "hf-cache: $models not found (expected ../shared beside the repository)" >&2; exit 1; }

lay_out() { # <repo id> <source folder>
  local repo_id="$1" src="$2"
  local dir="$hf_home/hub/models--${repo_id//\//--}"
  # the commit id is derived from the content, so re-running is idempotent
  local commit
  commit=$(cd "$src" && find . -maxdepth 1 -type f ! -name SOURCE.md ! -name golden.json -print0 | sort -z \
    | xargs -0 sha1sum | sha1sum | cut -c1-40)
  mkdir -p "$dir/blobs" "$dir/refs" "$dir/snapshots/$commit"
  for f in "$src"/*; do
    local name; name=$(basename "$f")
    [ -f "$f" ] || continue
    case "$name" in SOURCE.md|golden.json) continue ;; esac
    local sha; sha=$(sha256sum "$f" | cut -c1-64)
    [ -f "$dir/blobs/$sha" ] || cp "$f" "$dir/blobs/$sha"
    ln -sfn "../../blobs/$sha" "$dir/snapshots/$commit/$name"
  done
  printf '%s' "$commit" > "$dir/refs/main"
  echo "hf-cache: $repo_id -> $dir/snapshots/$commit"
}

lay_out hf-internal-testing/tiny-random-gpt2 "$models/tiny-random-gpt2"
[ -d "$models/tiny-llama-gqa" ] && lay_out harness-test/tiny-llama-gqa "$models/tiny-llama-gqa"
[ -d "$models/tiny-random-llama" ] && lay_out harness-test/tiny-random-llama "$models/tiny-random-llama"
exit 0
