import numpy as np
import pytest
import torch
from PIL import Image

from auformer.align import align_face, canvas_template, similarity_transform
from auformer.data import AUImageDataset, augment, load_folds, read_label_csv, split_by_fold
from auformer.errors import DataError
from auformer.models.auformer import BP4D_AUS, DISFA_AUS, AUFormerConfig

AUS = ("AU01", "AU02", "AU04")


def write(tmp_path, text, name="labels.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_binary_labels_with_unlabelled_values_masked(tmp_path):
    p = write(tmp_path, "image,subject,AU1,AU02,4,AU06\na.png,F001,1,0,-1,1\nb.png,M001,9,1,0,0\n")
    t = read_label_csv(p, AUS)
    assert t.images == ["a.png", "b.png"] and t.subjects == ["F001", "M001"]
    assert t.labels.tolist() == [[1, 0, -1], [-1, 1, 0]]  # AU06 ignored, order = model's


def test_disfa_intensity_rule_active_at_2_or_more(tmp_path):
    p = write(tmp_path, "image,subject,AU01,AU02,AU04\na.png,SN001,0,1,2\nb.png,SN001,5,3,9\n")
    assert read_label_csv(p, AUS, intensity_threshold=2).labels.tolist() == [[0, 0, 1], [1, 1, -1]]
    with pytest.raises(DataError, match="not 0/1; for intensities pass intensity_threshold"):
        read_label_csv(p, AUS)
    bad = write(tmp_path, "image,subject,AU01,AU02,AU04\na.png,SN001,0,1,7\n", "bad.csv")
    with pytest.raises(DataError, match="intensity '7' is outside 0..5"):
        read_label_csv(bad, AUS, intensity_threshold=2)


def test_unreadable_csv(tmp_path):
    with pytest.raises(DataError, match="cannot read label CSV .*missing.csv"):
        read_label_csv(tmp_path / "missing.csv", AUS)
    p = tmp_path / "binary.csv"
    p.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(DataError, match="UTF-8"):
        read_label_csv(p, AUS)


def test_wrong_au_count_names_the_missing_aus(tmp_path):
    p = write(tmp_path, "image,subject,AU01,AU02\na.png,F001,1,0\n")
    with pytest.raises(DataError, match=r"\(2 AUs\) but the model needs .*\(3 AUs\); missing \['AU04'\]"):
        read_label_csv(p, AUS)


def test_bad_rows(tmp_path):
    with pytest.raises(DataError, match=r"labels.csv:3: 3 fields, header has 5"):
        read_label_csv(write(tmp_path, "image,subject,AU01,AU02,AU04\na,F001,1,0,0\nb,F001,1\n"), AUS)
    with pytest.raises(DataError, match=r"labels.csv:2 AU02: label 'x' is not a number"):
        read_label_csv(write(tmp_path, "image,subject,AU01,AU02,AU04\na,F001,1,x,0\n"), AUS)


def test_standard_folds_are_subject_exclusive_and_complete():
    bp4d, disfa = load_folds("bp4d"), load_folds("disfa")
    assert [len(f) for f in bp4d] == [14, 14, 13] and [len(f) for f in disfa] == [9, 9, 9]
    all_bp4d = [s for f in bp4d for s in f]
    assert sorted(all_bp4d) == sorted([f"F{i:03d}" for i in range(1, 24)] + [f"M{i:03d}" for i in range(1, 19)])
    all_disfa = [s for f in disfa for s in f]
    assert len(set(all_disfa)) == 27 and all(s.startswith("SN") and 1 <= int(s[2:]) <= 32 for s in all_disfa)
    assert len(BP4D_AUS) == 12 and len(DISFA_AUS) == 8


def test_split_by_fold(tmp_path):
    rows = "".join(f"{s}.png,{s},1,0,1\n" for s in ("F001", "M011", "F007", "M007"))
    t = read_label_csv(write(tmp_path, "image,subject,AU01,AU02,AU04\n" + rows), AUS)
    tr, te = split_by_fold(t, load_folds("bp4d"), 0)
    assert sorted(te.subjects) == ["F001", "M007"] and sorted(tr.subjects) == ["F007", "M011"]
    t.subjects[0] = "X999"
    with pytest.raises(DataError, match=r"subjects \['X999'\] are in no fold"):
        split_by_fold(t, load_folds("bp4d"), 0)


def test_dataset_checks_image_size_and_centre_crops(tmp_path):
    arr = np.zeros((36, 36, 3), np.uint8)
    arr[2:34, 2:34] = 255  # the centre 32x32 crop is all white
    Image.fromarray(arr).save(tmp_path / "a.png")
    Image.fromarray(arr[:30, :30]).save(tmp_path / "small.png")
    t = read_label_csv(write(tmp_path, "image,subject,AU01,AU02,AU04\na.png,F001,1,0,-1\nsmall.png,F001,0,0,0\n"), AUS)
    ds = AUImageDataset(t, (32, 32), (0.5,) * 3, (0.5,) * 3, train=False)
    assert ds.canvas == (37, 37)
    ds.canvas = (36, 36)
    x, y = ds[0]
    assert x.shape == (3, 32, 32) and torch.allclose(x, torch.ones_like(x)) and y.tolist() == [1, 0, -1]
    with pytest.raises(DataError, match="image is 30x30 but aligned images must be 36x36"):
        ds[1]


def test_train_augmentation_is_seeded_and_changes_pixels():
    img = torch.rand(3, 40, 40)
    a = augment(img, (32, 32), train=True, generator=torch.Generator().manual_seed(3))
    b = augment(img, (32, 32), train=True, generator=torch.Generator().manual_seed(3))
    assert a.shape == (3, 32, 32) and torch.equal(a, b)
    assert not torch.equal(a, augment(img, (32, 32), train=False))
    assert a.min() >= 0 and a.max() <= 1


def test_alignment_puts_landmarks_on_the_sdk_template():
    cfg = AUFormerConfig()
    tmpl = canvas_template(cfg.template(), (224, 224), (256, 256))
    assert tmpl[0] == pytest.approx([78.4 + 16, 89.6 + 16])
    # a face whose landmarks are the template rotated by 20 degrees, scaled 1.7 and shifted
    th = np.deg2rad(20)
    rot = 1.7 * np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    src = np.array(tmpl) @ rot.T + np.array([40.0, 25.0])
    m = similarity_transform(src, tmpl)
    assert np.allclose(src @ m[:, :2].T + m[:, 2], tmpl, atol=1e-6)
    img = Image.new("RGB", (500, 500))
    img.putpixel((int(round(src[2, 0])), int(round(src[2, 1]))), (255, 255, 255))
    out = np.asarray(align_face(img, src, tmpl, (256, 256))).sum(2)
    y, x = np.unravel_index(out.argmax(), out.shape)
    assert abs(x - tmpl[2][0]) <= 1.5 and abs(y - tmpl[2][1]) <= 1.5  # nose tip lands on the template
