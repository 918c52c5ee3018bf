"""The GPU check script's dry run on CPU (tiny preset, bf16 autocast, 2 steps, fp32 export)."""
import json

from auformer.gpu_check import main


def test_gpu_check_dry_run_on_cpu(tmp_path):
    res = main(["--preset", "tiny", "--device", "cpu", "--batch-size", "2", "--steps", "2", "--out", str(tmp_path)])
    assert res["ok"], res
    assert [r["grad_checkpoint"] for r in res["runs"]] == [False, True]
    for r in res["runs"]:
        assert r["steps"] == 2 and r["precision"] == "bf16" and r["finite"] and r["images_per_s_median"] > 0
    assert res["runs"][0]["loss_first"] == res["runs"][1]["loss_first"]  # checkpointing changes no value
    assert res["onnx_fp32"]["max_abs_diff"] <= 1e-4 and "needs CUDA" in res["onnx_fp16"]["skipped"]
    assert json.loads((tmp_path / "gpu_check.json").read_text())["preset"] == "tiny"
