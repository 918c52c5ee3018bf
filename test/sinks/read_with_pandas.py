"""Reads auformer-stream outputs with pandas exactly as docs/output-formats.md shows, and prints
what a test can check: dtypes and a few values, as one JSON object on stdout.

Usage: /usr/bin/python3 read_with_pandas.py results.csv openface.csv results.jsonl tracks.csv events.csv
"""
import json
import sys

import pandas as pd

csv_path, openface_path, jsonl_path, tracks_path, events_path = sys.argv[1:6]

# --- the recipes of docs/output-formats.md ---
frames = pd.read_csv(csv_path)
openface = pd.read_csv(openface_path, skipinitialspace=True)
records = pd.read_json(jsonl_path, lines=True)
faces = pd.json_normalize(
    records[records["type"] == "frame"].to_dict("records"),
    record_path="faces",
    meta=["sourceId", "index", "ptsMs"],
).astype({"index": "int64", "ptsMs": "float64"})  # json_normalize leaves meta columns as object
tracks = pd.read_csv(tracks_path)
events = pd.read_csv(events_path)
# ---

joined = events.merge(frames, left_on=["source_id", "start_frame"], right_on=["source_id", "frame"])
summary = records[records["type"] == "summary"]["tracks"].iloc[0]


def dtypes(df, columns):
    return {c: str(df[c].dtype) for c in columns}


print(
    json.dumps(
        {
            "csv": dtypes(frames, ["frame", "face_id", "timestamp", "confidence", "success", "pts_ms", "AU12_p", "AU12_c", "AU12_s", "source_id"]),
            "csvRows": len(frames),
            "csvAU12": frames["AU12_p"].round(5).tolist(),
            "openface": dtypes(openface, ["frame", "face_id", "timestamp", "success", "AU12_c"]),
            "openfaceColumns": list(openface.columns[:5]),
            "openfaceFaceIds": sorted(openface["face_id"].unique().tolist()),
            "jsonlTypes": sorted(records["type"].unique().tolist()),
            "faces": dtypes(faces, ["trackId", "aus.AU12", "box.x", "index", "ptsMs"]),
            "jsonlAU12": faces["aus.AU12"].round(5).tolist(),
            "tracks": dtypes(tracks, ["track_id", "frames", "duration_ms", "AU12_mean", "AU12_episodes"]),
            "trackFrames": tracks["frames"].tolist(),
            "summaryFrames": [t["frames"] for t in summary],
            "events": dtypes(events, ["start_frame", "end_frame", "start_ms", "duration_ms"]),
            "eventRows": len(events),
            "eventsJoined": len(joined),
            "eventStartsMatch": bool((joined["start_ms"] == joined["pts_ms"]).all()),
        }
    )
)
