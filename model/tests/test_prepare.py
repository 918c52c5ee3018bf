"""prepare: the raw BP4D / DISFA layouts -> label CSV, crop list, folds, counts; bad input."""
import csv
import json

import pytest

from auformer.errors import DataError
from auformer.models.auformer import BP4D_AUS, DISFA_AUS
from auformer.prepare.__main__ import main as prepare
from rawdata import BP4D_SUBJECTS, DISFA_SUBJECTS, FRAMES, make_bp4d, make_disfa


def rows_of(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_bp4d_labels_folds_and_counts(tmp_path):
    raw = make_bp4d(tmp_path / "raw")
    counts = prepare(["bp4d", "--root", str(raw), "--out", str(tmp_path / "bp4d")])
    out = tmp_path / "bp4d"
    rows = rows_of(out / "labels.csv")
    assert list(rows[0])[:3] == ["image", "subject", "frame"] and tuple(list(rows[0])[3:]) == BP4D_AUS
    assert len(rows) == len(BP4D_SUBJECTS) * FRAMES  # the all-9 row is dropped
    assert rows[0]["image"] == "F001/T1/0101.png" and rows[0]["frame"].endswith("BP4D-training/F001/T1/0101.jpg")
    # the label values are the raw CSV's, 9 -> -1, columns picked by AU number
    raw_rows = list(csv.reader((raw / "AUCoding/AU_OCC/F001_T1.csv").open()))
    col = raw_rows[0].index("12")
    assert rows[0]["AU12"] == {"9": "-1"}.get(raw_rows[1][col], raw_rows[1][col])
    folds = json.loads((out / "folds.json").read_text())["folds"]
    assert folds == [["F001", "M007"], ["M011", "F003"], ["F007", "F015"]]  # standard order, present subjects
    assert counts["all"]["frames"] == 18 and [f["frames"] for f in counts["folds"]] == [6, 6, 6]
    au = counts["all"]["aus"]["AU01"]
    assert au["positive"] + au["negative"] + au["unknown"] == 18
    assert au["positive"] == sum(r["AU01"] == "1" for r in rows)
    assert (out / "frames.tsv").read_text().splitlines()[0].split("\t")[1] == "F001/T1/0101.png"
    assert json.loads((out / "prepare.json").read_text())["frames"] == 18


def test_disfa_extracts_frames_and_keeps_intensities(tmp_path):
    raw = make_disfa(tmp_path / "raw")
    counts = prepare(["disfa", "--root", str(raw), "--out", str(tmp_path / "disfa")])
    out = tmp_path / "disfa"
    rows = rows_of(out / "labels.csv")
    assert len(rows) == len(DISFA_SUBJECTS) * FRAMES and tuple(list(rows[0])[3:]) == DISFA_AUS
    first = [r for r in rows if r["subject"] == "SN002"][1]
    assert first["image"] == "SN002/00002.png" and (out / first["frame"]).is_file()
    assert first["frame"] == "frames/SN002/00002.png"
    raw_value = (raw / "ActionUnit_Labels/SN002/SN002_au12.txt").read_text().splitlines()[1].split(",")[1]
    assert first["AU12"] == raw_value  # intensity kept; occurrence (>= 2) is applied when reading
    pos = sum(int(r["AU04"]) >= 2 for r in rows)
    assert counts["all"]["aus"]["AU04"]["positive"] == pos
    assert len(list((out / "frames").rglob("*.png"))) == 18
    assert "intensity >= 2" in json.loads((out / "prepare.json").read_text())["labels"]


def test_auto_folds_and_unknown_subjects(tmp_path):
    raw = make_bp4d(tmp_path / "raw")
    (raw / "AUCoding/AU_OCC/F001_T1.csv").rename(raw / "AUCoding/AU_OCC/F099_T1.csv")
    (raw / "BP4D-training/F001").rename(raw / "BP4D-training/F099")
    with pytest.raises(DataError, match=r"\['F099'\] are in no standard BP4D fold; .*--folds auto"):
        prepare(["bp4d", "--root", str(raw), "--out", str(tmp_path / "a")])
    assert not (tmp_path / "a").exists() and not list(tmp_path.glob(".a.partial-*"))
    prepare(["bp4d", "--root", str(raw), "--out", str(tmp_path / "a"), "--folds", "auto"])
    folds = json.loads((tmp_path / "a/folds.json").read_text())["folds"]
    assert sorted(s for f in folds for s in f) == sorted(["F099", *BP4D_SUBJECTS[1:]]) and all(len(f) == 2 for f in folds)


def test_bp4d_frames_named_without_padding_and_crops_need_a_prepared_folder(tmp_path):
    from auformer.crops import make_crops

    raw = make_bp4d(tmp_path / "raw")
    for p in (raw / "BP4D-training" / "M011" / "T1").iterdir():
        p.rename(p.with_name(f"{int(p.stem)}.jpg"))  # 0101.jpg -> 101.jpg: matched by number
    prepare(["bp4d", "--root", str(raw), "--out", str(tmp_path / "out")])
    rows = [r for r in rows_of(tmp_path / "out" / "labels.csv") if r["subject"] == "M011"]
    assert [r["image"] for r in rows] == ["M011/T1/0101.png", "M011/T1/0102.png", "M011/T1/0103.png"]
    assert rows[0]["frame"].endswith("M011/T1/101.jpg")
    with pytest.raises(DataError, match="not a complete prepared dataset"):
        make_crops(tmp_path / "raw")
