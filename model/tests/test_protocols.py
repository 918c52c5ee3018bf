"""Evaluation protocols: the paper's 3-fold mean, the cross-dataset AUs, reports that name them."""
import pytest

from auformer.errors import DataError
from auformer.evaluate import main as evaluate
from auformer.models.auformer import BP4D_AUS, DISFA_AUS
from auformer.protocols import SHARED_AUS, cross_protocol, shared_aus, within_dataset_summary


def test_three_fold_mean_is_per_au_mean_over_folds_then_over_aus():
    folds = [{"fold": 0, "f1": [0.2, 0.4], "samples": 5}, {"fold": 1, "f1": [0.4, 0.8], "samples": 5},
             {"fold": 2, "f1": {"AU01": 0.6, "AU02": 0.0}, "samples": 5}]
    s = within_dataset_summary("disfa", ["AU01", "AU02"], folds)
    assert s["f1"] == pytest.approx({"AU01": 0.4, "AU02": 0.4}) and s["mean_f1"] == pytest.approx(0.4)
    assert s["complete"] and s["folds"][0]["mean_f1"] == pytest.approx(0.3)
    assert s["protocol"].startswith("DISFA subject-exclusive 3-fold CV")
    assert not within_dataset_summary("bp4d", ["AU01", "AU02"], folds[:2])["complete"]
    with pytest.raises(DataError, match="fold 0 has no F1"):
        within_dataset_summary("bp4d", ["AU01"], [{"fold": 0}])


def test_cross_dataset_aus_are_the_five_shared_ones_in_model_order():
    assert SHARED_AUS == ("AU01", "AU02", "AU04", "AU06", "AU12")
    aus, index = shared_aus(BP4D_AUS, "disfa")
    assert aus == list(SHARED_AUS) and index == [0, 1, 2, 3, 6]
    assert shared_aus(DISFA_AUS, "bp4d")[1] == [0, 1, 2, 3, 5]
    with pytest.raises(DataError, match="share none of"):
        shared_aus(("AU25", "AU26"), "bp4d")
    assert cross_protocol("bp4d", "disfa").startswith("cross-dataset BP4D -> DISFA") and "1, 2, 4, 6, 12" in \
        cross_protocol("bp4d", "disfa")


def test_evaluating_a_run_folder_without_models_says_so(tmp_path):
    (tmp_path / "labels.csv").write_text("image,subject," + ",".join(BP4D_AUS) + "\n")
    with pytest.raises(DataError, match="no fold<k>/model.pt in"):
        evaluate(["--run", str(tmp_path), "--labels", str(tmp_path / "labels.csv"), "--dataset", "bp4d"])
