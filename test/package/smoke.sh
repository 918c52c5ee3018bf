#!/usr/bin/env bash
# Package smoke test: pack the repo, install the tarball into fresh projects as a user would
# (npm registry only, no onnxruntime CUDA download, the second install fully --offline), then run
# the CLI, an ESM script, a CommonJS require, the README's first example and `tsc --noEmit` with
# skipLibCheck false under module nodenext and moduleResolution bundler.
# Usage: bash test/package/smoke.sh   (uses whichever `node` is first on PATH)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/test/package"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ONNXRUNTIME_NODE_INSTALL=skip npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
step() { echo "smoke [node $(node --version)]: $*"; }

version="$(node -p "require('$repo/package.json').version")"
ts_version="$(node -p "require('$repo/node_modules/typescript/package.json').version")"
types_node="$(node -p "require('$repo/node_modules/@types/node/package.json').version")"

step "npm pack (prepack builds dist/)"
(cd "$repo" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$work/auformer-stream-$version.tgz"
[[ -f "$tarball" ]] || fail "npm pack made no $tarball"
listing="$(tar -tzf "$tarball")"
for want in package/dist/index.js package/dist/index.d.ts package/dist/cli/main.js \
  package/models/auformer-tiny.onnx package/assets/facemesh/face_landmark.onnx package/assets/sample/faces.mp4 package/NOTICE package/LICENSE; do
  grep -qx "$want" <<<"$listing" || fail "tarball lacks $want"
done
if grep -E '\.map$|parity\.json$|^package/(test|bench|model|src|scripts)/' <<<"$listing"; then
  fail "tarball holds test fixtures, sources or source maps (listed above)"
fi

step "npm publish --dry-run: no manifest auto-corrections"
published="$(cd "$repo" && npm publish --dry-run --ignore-scripts 2>&1)"
if grep -Ei 'auto-correct|invalid and removed|was cleaned|npm pkg fix' <<<"$published"; then
  fail "npm publish --dry-run warns about package.json (above)"
fi

install() { # $1: project folder, $2: extra npm flag
  mkdir -p "$1"
  cp "$here/consumer/"* "$1/"
  (cd "$1" && npm install --silent "$2" "$tarball" "typescript@$ts_version" "@types/node@$types_node")
}
step "install into a fresh project (--prefer-offline: npm cache first, npm registry only)"
install "$work/warm" --prefer-offline
step "install into a second fresh project fully --offline"
install "$work/app" --offline
cd "$work/app"
ort_bin=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
if compgen -G "$ort_bin/libonnxruntime_providers_cuda*" >/dev/null; then
  fail "onnxruntime-node downloaded CUDA providers despite ONNXRUNTIME_NODE_INSTALL=skip"
fi

step "npx auformer --version / --help"
[[ "$(npx --no-install auformer --version)" == "$version" ]] || fail "auformer --version is not $version"
npx --no-install auformer analyze --help | grep -q '^Usage: auformer analyze' || fail "analyze --help"

step "npx auformer analyze on the package's own sample"
sample="$(node -p "require('auformer-stream').SAMPLE_VIDEO")"
npx --no-install auformer analyze "$sample" --fps 5 --out r.csv --out r.jsonl --quiet 2>analyze.log ||
  { cat analyze.log; fail "auformer analyze exited $?"; }
rows=$(($(wc -l <r.csv) - 1))
[[ "$rows" == 30 ]] || fail "r.csv has $rows rows, expected 30 (6 s at 5 fps, one face)"
grep -q '"type":"summary"' r.jsonl || fail "r.jsonl has no summary record"

step "ESM import, CommonJS require, the README example"
node esm.mjs
node cjs.cjs
node "$here/readmeExample.mjs" "$repo/README.md" "$work/app"

step "tsc --noEmit, skipLibCheck false: module nodenext, moduleResolution bundler"
npx --no-install tsc -p tsconfig.nodenext.json
npx --no-install tsc -p tsconfig.bundler.json
step "ok"
