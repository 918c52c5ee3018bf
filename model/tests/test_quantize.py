import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from auformer.errors import ExportError
from auformer.quantize import QUANTIZATION_KEY, main, quantize_file, quantize_weight

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models" / "auformer-tiny.onnx"
ORTCHECK = ROOT / "model" / "auformer" / "ortcheck.mjs"


def test_quantize_weight_is_symmetric_per_column_and_within_half_a_step():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 5)).astype(np.float32) * np.array([1, 10, 0.01, 3, 0], np.float32)
    q, scale = quantize_weight(w)
    assert q.dtype == np.int8 and scale.shape == (5,)
    assert np.allclose(scale[:4], np.abs(w[:, :4]).max(axis=0) / 127)
    assert scale[4] == pytest.approx(1 / 127)  # an all-zero column gets a harmless scale, not 0
    assert np.abs(q[:, :4]).max(axis=0).tolist() == [127, 127, 127, 127]  # the range is used fully
    err = np.abs(q.astype(np.float32) * scale - w).max(axis=0)[:4]
    assert np.all(err <= scale[:4] / 2 * 1.0001) and np.all(err > scale[:4] / 4)  # rounding, not truncation
    qt, st = quantize_weight(w, per_channel=False)
    assert st.shape == () and st == pytest.approx(np.abs(w).max() / 127)
    assert np.abs(qt[:, 2]).max() <= 1  # one scale for all: the small column collapses, per-column keeps it
    with pytest.raises(ExportError, match="2-D"):
        quantize_weight(np.zeros((2, 3, 4), np.float32))


def test_tiny_model_structure_metadata_and_weights(tmp_path):
    out = tmp_path / "tiny.int8.onnx"
    res = quantize_file(SHIPPED, out)
    fp32, int8 = onnx.load(str(SHIPPED)), onnx.load(str(out))
    before, after = Counter(n.op_type for n in fp32.graph.node), Counter(n.op_type for n in int8.graph.node)
    # 4 blocks x (qkv, proj, fc1, fc2); attention's 2 activation MatMuls and MoKE's 2 3-D ones stay
    assert res["matmuls"] == 16 and after["MatMulInteger"] == 16
    assert after["MatMul"] == before["MatMul"] - 16 == 24
    assert after["DynamicQuantizeLinear"] == 16  # one per quantized MatMul: none shares its input here
    assert after["Gemm"] == 1 and after["Conv"] == before["Conv"]
    meta_in = {p.key: p.value for p in fp32.metadata_props}
    meta_out = {p.key: p.value for p in int8.metadata_props}
    assert {k: meta_out[k] for k in meta_in} == meta_in  # the model card survives unchanged
    assert json.loads(meta_out[QUANTIZATION_KEY])["matmuls"] == 16
    inits = {t.name: numpy_helper.to_array(t) for t in int8.graph.initializer}
    orig = {t.name: numpy_helper.to_array(t) for t in fp32.graph.initializer}
    qkv = next(n for n in fp32.graph.node if n.name == "/attn/qkv/MatMul").input[1]
    assert qkv not in inits  # the fp32 weight is gone, replaced by int8 + scales
    w_q, w_s = inits[f"{qkv}_quantized"], inits[f"{qkv}_scale"]
    assert w_q.dtype == np.int8 and w_q.shape == orig[qkv].shape == (64, 192) and w_s.shape == (192,)
    assert np.abs(w_q * w_s - orig[qkv]).max() <= w_s.max() / 2 + 1e-7
    assert res["bytes_out"] < res["bytes_in"]


@pytest.mark.skipif(shutil.which("node") is None or not (ROOT / "node_modules" / "onnxruntime-node").is_dir(),
                    reason="needs node and onnxruntime-node (npm ci)")
def test_onnxruntime_runs_int8_close_to_fp32_logits(tmp_path):
    """Runs the int8 model in onnxruntime-node on the shipped parity fixture (PyTorch fp32 logits)."""
    fixture = SHIPPED.with_suffix(".parity.json")
    diffs = {}
    for per_channel in (True, False):
        out = tmp_path / f"tiny.{per_channel}.onnx"
        quantize_file(SHIPPED, out, per_channel=per_channel)
        r = subprocess.run(["node", str(ORTCHECK), str(out), str(fixture)], capture_output=True, text=True,
                           cwd=ROOT, check=True)
        result = json.loads(r.stdout.strip().splitlines()[-1])
        assert result["dims"] == [2, 12]
        diffs[per_channel] = result["max_abs_diff"]
    # quantization changes the logits (the int8 path really ran) but only a little
    assert 1e-4 < diffs[True] < 0.05 and 1e-4 < diffs[False] < 0.05


def test_cli_and_errors(tmp_path, capsys):
    out = tmp_path / "m.int8.onnx"
    res = main([str(SHIPPED), str(out), "--per-tensor"])
    assert json.loads(capsys.readouterr().out) == res and out.is_file()
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert json.loads(meta[QUANTIZATION_KEY])["per_channel"] is False
    with pytest.raises(ExportError, match="no MatMul with a 2-D float weight"):
        quantize_file(out, tmp_path / "again.onnx")
    with pytest.raises(ExportError, match="must differ"):
        quantize_file(SHIPPED, SHIPPED)
    with pytest.raises(ExportError, match="does not exist"):
        quantize_file(tmp_path / "missing.onnx", out)
