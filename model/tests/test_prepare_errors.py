"""prepare on bad raw input: a clear DataError that says what to fix, and no output folder."""
import pytest

from auformer.errors import DataError
from auformer.prepare.__main__ import main as prepare
from rawdata import make_bp4d, make_disfa


def fails(tmp_path, args, match):
    out = tmp_path / "out"
    with pytest.raises(DataError, match=match):
        prepare([*args, "--out", str(out)])
    assert not out.exists() and not list(tmp_path.glob(".out.partial-*")), "half-written output left behind"


def test_wrong_layout(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "F001_T1.csv").write_text("0,1\n1,0\n")
    fails(tmp_path, ["bp4d", "--root", str(tmp_path / "raw")], r"not a raw BP4D folder: expected AUCoding/AU_OCC")
    fails(tmp_path, ["disfa", "--root", str(tmp_path / "raw")], r"not a raw DISFA folder: expected ActionUnit_Labels")


def test_bp4d_unexpected_columns_codes_and_names(tmp_path):
    raw = make_bp4d(tmp_path / "raw")
    occ = raw / "AUCoding/AU_OCC/M007_T1.csv"
    text = occ.read_text()
    occ.write_text(text.replace("0,1,2,", "0,1,AU2,", 1))
    fails(tmp_path, ["bp4d", "--root", str(raw)], r"M007_T1.csv: unexpected header .*\(bad: \['AU2'\]\)")
    occ.write_text(text.replace("0,1,2,", "0,1,3,", 1))
    fails(tmp_path, ["bp4d", "--root", str(raw)], r"M007_T1.csv: no column for \['AU02'\]")
    lines = text.splitlines()
    occ.write_text("\n".join([lines[0], "101," + ",".join(["7"] * (lines[0].count(",")))]) + "\n")
    fails(tmp_path, ["bp4d", "--root", str(raw)], r"M007_T1.csv:2: code outside 0/1/9")
    occ.write_text(text)
    (raw / "AUCoding/AU_OCC/notes.csv").write_text("x\n")
    fails(tmp_path, ["bp4d", "--root", str(raw)], r"notes.csv: unexpected file name")


def test_bp4d_frames_missing_for_labelled_rows(tmp_path):
    raw = make_bp4d(tmp_path / "raw")
    (raw / "BP4D-training/F003/T1/0102.jpg").unlink()
    fails(tmp_path, ["bp4d", "--root", str(raw)], r"1 of 18 labelled rows have no frame, e.g.\n  F003/T1 frame 102")
    fails(tmp_path, ["bp4d", "--root", str(raw), "--frames", str(tmp_path)], r"(?s)18 of 18 labelled rows .*pass --frames")


def test_disfa_bad_label_files(tmp_path):
    raw = make_disfa(tmp_path / "raw")
    labels = raw / "ActionUnit_Labels/SN010"
    (labels / "SN010_au3.txt").write_text("1,0\n")
    fails(tmp_path, ["disfa", "--root", str(raw)], r"SN010_au3.txt: unexpected file; .*SN010_au<N>.txt with N in")
    (labels / "SN010_au3.txt").unlink()
    (labels / "SN010_au26.txt").unlink()
    fails(tmp_path, ["disfa", "--root", str(raw)], r"SN010: no label file for \['AU26'\]")
    (labels / "SN010_au26.txt").write_text("1,0\n2,7\n")
    fails(tmp_path, ["disfa", "--root", str(raw)], r"SN010_au26.txt:2: '2,7' is not 'frame,intensity'")
    (labels / "SN010_au26.txt").write_text("1,0\n2,1\n3,0\n4,3\n")  # frame 4: past the 3-frame video
    fails(tmp_path, ["disfa", "--root", str(raw)], r"1 of 19 labelled rows have no frame, e.g.\n  SN010 frame 4 "
                                                   r"\(the video has 3 frames\)")


def test_disfa_corrupt_or_missing_video(tmp_path):
    raw = make_disfa(tmp_path / "raw")
    video = raw / "Videos_LeftCamera/LeftVideoSN013_comp.avi"
    data = video.read_bytes()
    video.write_bytes(data[:200])  # truncated: header only
    fails(tmp_path, ["disfa", "--root", str(raw)], r"(?s)LeftVideoSN013_comp.avi: ffmpeg could not decode .*corrupt")
    video.unlink()
    fails(tmp_path, ["disfa", "--root", str(raw)], r"no video for 1 labelled subjects")


def test_existing_output_is_kept_unless_overwrite(tmp_path):
    raw = make_bp4d(tmp_path / "raw")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(DataError, match="already exists; pass --overwrite"):
        prepare(["bp4d", "--root", str(raw), "--out", str(out)])
    assert (out / "keep.txt").exists()
    prepare(["bp4d", "--root", str(raw), "--out", str(out), "--overwrite"])
    assert (out / "labels.csv").exists() and not (out / "keep.txt").exists()
