#!/usr/bin/env bash
# Makes the README pictures with the project's own commands:
#   docs/images/annotated-frame.jpg  frame 60 of `auformer analyze group.mp4 --annotate`
#   docs/images/timeline.png         `auformer plot` of the same run's JSONL
#   docs/images/mesh-frame.jpg       frame 45 of `auformer analyze faces.mp4 --annotate` (mesh, pose axes)
# Needs ffmpeg on PATH (to cut one frame out of the annotated video). Takes ~30 s on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p docs/images
npx tsx src/cli/main.ts analyze assets/sample/group.mp4 --smooth ema --events --quiet \
  --out "$tmp/group.jsonl" --annotate "$tmp/group.annotated.mp4"
ffmpeg -hide_banner -loglevel error -y -i "$tmp/group.annotated.mp4" \
  -vf 'select=eq(n\,60)' -frames:v 1 -q:v 3 docs/images/annotated-frame.jpg
npx tsx src/cli/main.ts plot "$tmp/group.jsonl" --out docs/images/timeline.png
npx tsx src/cli/main.ts analyze assets/sample/faces.mp4 --quiet --out "$tmp/faces.jsonl" \
  --annotate "$tmp/faces.annotated.mp4"
ffmpeg -hide_banner -loglevel error -y -i "$tmp/faces.annotated.mp4" \
  -vf 'select=eq(n\,45),scale=960:-2' -frames:v 1 -q:v 3 docs/images/mesh-frame.jpg
echo "wrote docs/images/annotated-frame.jpg docs/images/timeline.png docs/images/mesh-frame.jpg"
