#!/usr/bin/env bash
# The GPU check, on a CUDA machine with Java 17+, Maven and python3 (stdlib only): builds the -Pcuda jar, then
#   1. device: `generate --device gpu --json` must report gpu(0) and a cu* libtorch;
#   2. parity: `logprobs --device gpu` on the longest golden sequence of every shared tiny model, float32 and float16,
#      against transformers' goldens (../shared/models/*/golden.json), with the tolerances of the CPU tests;
#   3. sanity: the kv_transition sanity study (config/experiments/sanity.yaml) with engine.device=gpu;
#   4. bench: `harness bench --device gpu`, float32 and float16 (prefill/decode against the GPU's own matmul rate and
#      bandwidth), printed as measured.
# Prints every figure with what it was measured on; exits non-zero on the first failed check. Aim: under 8 minutes
# once ~/.m2 holds the CUDA native (the first build downloads 2.4 GB from Maven Central).
#
# Usage: scripts/gpu-check.sh [MODELS_DIR]     (default ../shared/models; OUT=dir keeps the logs, default target/gpu-check)
# DEVICE=cpu BENCH_ARGS="--shape tiny" checks the script itself on a CPU machine with the default build (no GPU claim).
#
# Not runnable on this project's lent accelerator machines: they have no JDK and cannot fetch one, and what travels
# there is capped at 64 MiB while the CUDA native jar alone is 2.4 GB (docs/engines.md, "GPU").
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS="${1:-../shared/models}"
OUT="${OUT:-target/gpu-check}"
mkdir -p "$OUT"
export HF_HOME="${HF_HOME:-$PWD/.hf-cache}"
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
DEVICE="${DEVICE:-gpu}"
BENCH_ARGS="${BENCH_ARGS:-}"
say() { printf '%s\n' "gpu-check: $*"; }
die() { printf '%s\n' "gpu-check: FAILED: $*" >&2; exit 1; }
t0=$SECONDS

if [ "$DEVICE" = gpu ]; then
  command -v nvidia-smi >/dev/null || die "no nvidia-smi: this is not a machine with an NVIDIA driver"
fi
command -v java >/dev/null || die "no java on PATH (Java 17+ needed)"
command -v mvn >/dev/null || die "no mvn on PATH"
command -v python3 >/dev/null || die "no python3 on PATH (used to compare JSON with the goldens)"
jv=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${jv%%.*}" -ge 17 ] 2>/dev/null || die "java $jv found, 17+ needed"
[ -d "$MODELS" ] || die "$MODELS is absent (the shared tiny models with golden.json)"
if [ "$DEVICE" = gpu ]; then
  say "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
else
  say "DEVICE=$DEVICE: checking the script on this machine with the default (CPU) build; nothing here is a GPU figure"
fi
say "java $jv; models from $MODELS; logs in $OUT"

if [ "$DEVICE" != gpu ]; then
  mvn -B -q -o -DskipTests package
elif [ ! -f target/cuda/lib/pytorch-native-cu124-2.5.1-linux-x86_64.jar ] || [ ! -f target/cuda/harness.jar ] \
    || ! unzip -p target/cuda/harness.jar META-INF/MANIFEST.MF | grep -q 'pytorch-native-cu124'; then
  say "building: mvn -B -q -Pcuda -DskipTests package"
  mvn -B -q -Pcuda -DskipTests package
fi
JAR=$([ "$DEVICE" = gpu ] && echo target/cuda/harness.jar || echo target/harness.jar)
H=(java -jar "$JAR")

# 1. the device
"${H[@]}" generate --model "$MODELS/tiny-random-gpt2" --prompt "Once upon a time" --max-tokens 4 --device "$DEVICE" --json \
  >"$OUT/generate.json" 2>"$OUT/generate.err" || die "generate --device gpu: $(head -1 "$OUT/generate.err")"
python3 - "$OUT/generate.json" "$DEVICE" <<'PY' || die "generate --json does not report the device asked for"
import json, sys
e = json.load(open(sys.argv[1]))["engine"]
print(f"gpu-check: generate ran on {e['device']} with libtorch {e['libtorch']} ({e['dtype']})")
want_gpu = sys.argv[2] == "gpu"
ok = e["device"].startswith("gpu") and e["libtorch"].split()[-1].startswith("cu") if want_gpu else e["device"] == "cpu()"
sys.exit(0 if ok else 1)
PY

# 2. golden parity on the GPU
F16_TOL='{"tiny-llama-gqa": 0.6, "tiny-random-gpt2": 1e-3, "tiny-random-llama": 5e-4}'
for dir in "$MODELS"/*/; do
  dir="${dir%/}"; name=$(basename "$dir")
  [ -f "$dir/config.json" ] && [ -f "$dir/golden.json" ] || continue
  ids=$(python3 -c 'import json,sys; g=json.load(open(sys.argv[1])); s=max(g["sequences"], key=lambda s: len(s["input_ids"])); print(",".join(map(str, s["input_ids"])))' "$dir/golden.json")
  for dtype in float32 float16; do
    f="$OUT/logprobs-$name-$dtype.json"
    "${H[@]}" logprobs --model "$dir" --ids "$ids" --top-k 10 --device "$DEVICE" --dtype "$dtype" --json >"$f" 2>"$f.err" \
      || die "logprobs $name $dtype: $(head -1 "$f.err")"
    python3 - "$dir/golden.json" "$f" "$dtype" "$name" "$F16_TOL" <<'PY' || die "parity $name $dtype"
import json, sys
golden, got, dtype, name, f16 = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
seq = max(golden["sequences"], key=lambda s: len(s["input_ids"]))
# float32: 1e-4 x max|logit| on logits (DESIGN), so 2e-4 x max|logit| on log-probs (logit and log-sum-exp); float16: Float16GoldenTest's
tol = 2e-4 * max(seq["max_abs_logit"], 1.0) + 1e-5 if dtype == "float32" else f16.get(name)
if tol is None:
    print(f"gpu-check: parity {name} {dtype}: no stated tolerance, skipped"); sys.exit(0)
worst, n, top1, gated = 0.0, 0, 0, 0
for gp, p in zip(seq["positions"], got["positions"]):
    mine = {t["id"]: t["logprob"] for t in p["top"]}
    for i, lp in zip(gp["top5_ids"], gp["top5_logprobs"]):
        if i in mine:
            worst = max(worst, abs(mine[i] - lp)); n += 1
    if gp["top5_logprobs"][0] - gp["top5_logprobs"][1] > 2 * tol:
        gated += 1; top1 += p["top"][0]["id"] == gp["top5_ids"][0]
dsum = abs(got["sum_logprob"] - seq["sum_logprob"])
npos = len(seq["input_ids"]) - 1
ok = worst <= tol and top1 == gated and dsum <= npos * tol
print(f"gpu-check: parity {name} {dtype} on {got['engine']['device']}: max |d log-prob| {worst:.3g} over {n} golden top-5 entries "
      f"(tolerance {tol:.3g}), top-1 {top1}/{gated} gated positions, |d sum| {dsum:.3g} over {npos} tokens: {'ok' if ok else 'OUT OF TOLERANCE'}")
sys.exit(0 if ok else 1)
PY
  done
done

# 3. one study's sanity, on the GPU
scripts/hf-cache.sh "$HF_HOME" >/dev/null
"${H[@]}" all -c config/experiments/sanity.yaml --set engine.device="$DEVICE" --set output.exp_group_id=gpu_check_sanity \
  >"$OUT/sanity.log" 2>&1 || die "sanity study on $DEVICE: $(tail -3 "$OUT/sanity.log")"
report=runs/gpu_check_sanity/report.md
want=$([ "$DEVICE" = gpu ] && echo 'gpu(0)' || echo 'cpu()')
grep -qF "$want" "$report" || die "$report's engine table does not say $want"
say "sanity study on $want: $report ($(grep -m1 -o 'libtorch[^|]*|[^|]*' "$report" | tr -s ' '))"

# 4. the bench, float32 and float16
for dtype in float32 float16; do
  # shellcheck disable=SC2086
  "${H[@]}" bench --device "$DEVICE" --dtype "$dtype" $BENCH_ARGS | tee "$OUT/bench-$dtype.txt" || die "bench --device $DEVICE --dtype $dtype"
done
say "all checks passed in $((SECONDS - t0)) s"
