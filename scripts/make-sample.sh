#!/usr/bin/env bash
# Builds the sample videos in assets/sample/ from the MIT-licensed photos in assets/photos/
# (see assets/sample/README.md). Deterministic for a given ffmpeg build; uses the system ffmpeg
# (>= 5) because the embedded 2018 build lacks some filter options. Usage:
#   scripts/make-sample.sh [ffmpeg-binary]
set -euo pipefail
FFMPEG="${1:-${FFMPEG_PATH:-/usr/bin/ffmpeg}}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PHOTOS="$ROOT/assets/photos"
OUT="$ROOT/assets/sample"
mkdir -p "$OUT"

# faces.mp4: ONE frontal face (sample6.jpg, leftmost person), 1280x720, 30 fps, 6 s.
# A 360x400 card around the face is scaled 2.1x and pasted on a heavily blurred copy of the
# photo (no other face is recognisable), making a 1600x900 canvas upscaled 2x so zoompan's
# integer crop steps are half-pixels. zoompan then zooms 1.0 -> 1.15 -> 1.0 and drifts the view
# sideways: the face (about 200 px tall in the photo) is 340-390 px tall in the output, big
# enough for BlazeFace's 128x128 front model on the whole letterboxed frame.
"$FFMPEG" -hide_banner -loglevel error -y -i "$PHOTOS/sample6.jpg" -filter_complex "
  [0:v]split=2[bgsrc][fgsrc];
  [bgsrc]scale=1600:900:force_original_aspect_ratio=increase,crop=1600:900,boxblur=40:4[bg];
  [fgsrc]crop=360:400:195:400,scale=756:840[card];
  [bg][card]overlay=x=(W-w)/2:y=(H-h)/2,scale=3200:1800,format=yuv420p[canvas];
  [canvas]zoompan=z='1+0.15*sin(PI*on/180)':d=180:s=1280x720:fps=30:
    x='iw/2-iw/zoom/2+220*sin(2*PI*on/180)':y='ih/2-ih/zoom/2+60*sin(2*PI*on/90)',
    format=yuv420p[v]" \
  -map "[v]" -frames:v 180 -r 30 -c:v libx264 -preset slow -crf 28 -pix_fmt yuv420p \
  -movflags +faststart -metadata comment="Built by scripts/make-sample.sh from @vladmandic/face-api demo/sample6.jpg (MIT)" \
  "$OUT/faces.mp4"

# group.mp4: several faces, 1280x720, 30 fps, 3 s: a slow pan across sample6.jpg at its native
# 1920 px width (faces about 270 px tall), window moving 0 -> 640 px to the right.
"$FFMPEG" -hide_banner -loglevel error -y -loop 1 -framerate 30 -i "$PHOTOS/sample6.jpg" \
  -vf "crop=1280:720:x='min(640,640*t/3)':y=200,format=yuv420p" \
  -frames:v 90 -c:v libx264 -preset slow -crf 28 -pix_fmt yuv420p -movflags +faststart \
  -metadata comment="Built by scripts/make-sample.sh from @vladmandic/face-api demo/sample6.jpg (MIT)" \
  "$OUT/group.mp4"

ls -l "$OUT"/*.mp4
