#!/usr/bin/env bash
# GPU check (under 8 minutes): bare AUModel vs full pipeline with the CUDA provider, fp32 and
# fp16, batch 1/8/32/64; and, when PyTorch with CUDA is present, the same AUFormer in PyTorch
# (fp32 and fp16) as the ceiling. Prints Markdown for bench/RESULTS.md and writes it to
# $OUT_DIR/gpu-results.md. See docs/gpu.md.
#
#   bench/gpu.sh                                  # vit-b16, batches 1,8,32,64
#   MODELS=tiny,vit-b16 BATCHES=8,64 bench/gpu.sh
#   PYTHON=/usr/bin/python3 OUT_DIR=/tmp/out bench/gpu.sh
#
# Needs: nvidia-smi, node_modules (npm ci) with onnxruntime-node's CUDA 12 providers
# (ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js, which
# this script tries when they are missing and the network allows), CUDA 12 + cuDNN 9 libraries,
# and a python with torch + onnx for exporting the models (PyTorch with CUDA for fp16).
set -uo pipefail
cd "$(dirname "$0")/.."
MODELS=${MODELS:-vit-b16}
BATCHES=${BATCHES:-1,8,32,64}
PYTHON=${PYTHON:-$(command -v python3 || echo /usr/bin/python3)}
OUT_DIR=${OUT_DIR:-.cache/bench}
BUDGET_S=${BUDGET_S:-450}
START=$(date +%s)
mkdir -p "$OUT_DIR" .cache/models
REPORT="$OUT_DIR/gpu-results.md"
: >"$REPORT"
say() { echo "$@" | tee -a "$REPORT"; }
left() { echo $((BUDGET_S - ($(date +%s) - START))); }

say "## GPU run of $(date -u '+%Y-%m-%d %H:%M') UTC"
say ""
say "Command: \`MODELS=$MODELS BATCHES=$BATCHES bench/gpu.sh\`"
say ""
if ! command -v nvidia-smi >/dev/null; then
  echo "nvidia-smi not found: this script needs a machine with an NVIDIA GPU and its driver." >&2
  exit 2
fi
say "- GPU: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)"
say "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
say "- Node $(node --version), onnxruntime-node $(node -p "require('./node_modules/onnxruntime-node/package.json').version" 2>/dev/null || echo missing)"

# 1. onnxruntime-node's CUDA provider
ORT_BIN=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
ORT_CUDA=yes
if [ ! -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ]; then
  echo "CUDA provider missing; trying ONNXRUNTIME_NODE_INSTALL=cuda12 (needs internet)..." >&2
  ONNXRUNTIME_NODE_INSTALL=cuda12 timeout 180 node node_modules/onnxruntime-node/script/install.js >&2 || true
fi
if [ ! -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ]; then
  ORT_CUDA=no
  say "- onnxruntime-node CUDA provider: NOT INSTALLED (see docs/gpu.md section 1); ORT rows skipped"
fi

# 2. PyTorch with CUDA?
TORCH_CUDA=$("$PYTHON" -c 'import torch; print("yes" if torch.cuda.is_available() else "no")' 2>/dev/null || echo no)
say "- PyTorch: $("$PYTHON" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)' 2>/dev/null || echo none) (CUDA usable: $TORCH_CUDA)"
say ""

# 3. Models: fp32 exported on demand by run.ts; fp16 needs a CUDA trace, done here.
VARIANTS=fp32
if [ "$TORCH_CUDA" = yes ]; then
  VARIANTS=fp32,fp16
  for preset in ${MODELS//,/ }; do
    if [ ! -f ".cache/models/$preset.fp16.onnx" ]; then
      (cd model && timeout 240 "$PYTHON" -m auformer.export --preset "$preset" --random --fp16 \
        --out "../.cache/models/$preset.fp16.onnx" >&2) || echo "fp16 export of $preset failed" >&2
    fi
  done
fi

# 4. onnxruntime-node: bare model vs pipeline, CUDA provider
if [ "$ORT_CUDA" = yes ] && [ "$(left)" -gt 60 ]; then
  echo "ORT CUDA bench ($(left) s left)..." >&2
  AUF_PYTHON="$PYTHON" timeout "$(left)" node --import tsx bench/run.ts --sections models \
    --models "$MODELS" --variants "$VARIANTS" --batches "$BATCHES" --providers cuda --threads 0 \
    --torch-batches none --seconds 2 --min-frames 192 --out "$OUT_DIR/gpu-ort.md" >/dev/null
  status=$?
  if [ -f "$OUT_DIR/gpu-ort.md" ]; then sed -n '/^### /,$p' "$OUT_DIR/gpu-ort.md" | tee -a "$REPORT"; fi
  [ $status -eq 0 ] || say "(ORT CUDA bench exited $status: see its stderr above)"
fi

# 5. PyTorch CUDA ceiling, same model and batches
if [ "$TORCH_CUDA" = yes ] && [ "$(left)" -gt 30 ]; then
  echo "PyTorch CUDA ceiling ($(left) s left)..." >&2
  say ""
  say "### PyTorch CUDA ceiling, faces/s (same AUFormer, random weights, seed 0)"
  say ""
  say "| model | dtype | $(echo "$BATCHES" | sed 's/,/ | /g; s/\([0-9]\+\)/batch \1/g') |"
  say "| --- | --- |$(echo "$BATCHES" | sed 's/[0-9]\+/---:/g; s/,/|/g')|"
  for preset in ${MODELS//,/ }; do
    for half in "" "--half"; do
      line=$(cd model && timeout "$(left)" "$PYTHON" ../bench/lib/torchBench.py --preset "$preset" \
        --batches "$BATCHES" --device cuda $half --min-seconds 2 2>/dev/null | tail -1)
      [ -n "$line" ] || continue
      say "$(echo "$line" | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin); print("| %s | %s | %s |" % (r["preset"], r["dtype"], " | ".join("%.1f" % x["faces_per_s"] for x in r["results"])))')"
    done
  done
fi
say ""
say "GPU check finished in $(($(date +%s) - START)) s."
echo "Markdown in $REPORT" >&2
