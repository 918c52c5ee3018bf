import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper

from auformer.errors import ExportError
from auformer.uint8_input import main, uint8_input_model, variant_path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models" / "auformer-tiny.onnx"
SHIPPED_UINT8 = ROOT / "models" / "auformer-tiny.uint8.onnx"
ORTCHECK = ROOT / "model" / "auformer" / "ortcheck_uint8.mjs"


def card(model):
    return {p.key: p.value for p in model.metadata_props}


def test_uint8_input_takes_uint8_normalises_with_the_card_and_keeps_the_rest():
    fp32 = onnx.load(str(SHIPPED))
    u8 = uint8_input_model(fp32)
    images = next(i for i in u8.graph.input if i.name == "images")
    assert images.type.tensor_type.elem_type == TensorProto.UINT8
    assert [d.dim_param or d.dim_value for d in images.type.tensor_type.shape.dim] == ["batch", 3, 224, 224]
    assert [n.op_type for n in u8.graph.node[:3]] == ["Cast", "Mul", "Add"]
    assert len(u8.graph.node) == len(fp32.graph.node) + 3
    assert not any("images" in n.input for n in u8.graph.node[3:]), "the fp32 graph reads the normalised tensor"
    inits = {t.name: numpy_helper.to_array(t) for t in u8.graph.initializer}
    c = card(fp32)
    mean, std = np.array(json.loads(c["mean"])), np.array(json.loads(c["std"]))
    np.testing.assert_allclose(inits["uint8_input_scale"].ravel(), 1 / (255 * std), rtol=1e-6)
    np.testing.assert_allclose(inits["uint8_input_shift"].ravel(), -mean / std, rtol=1e-6)
    assert card(u8) == {**c, "input_dtype": "uint8"}
    with pytest.raises(ExportError, match="already takes uint8"):
        uint8_input_model(u8)


def test_shipped_uint8_file_is_what_the_documented_command_writes(tmp_path):
    out = tmp_path / "auformer-tiny.uint8.onnx"
    main([str(SHIPPED), str(out)])
    assert out.read_bytes() == SHIPPED_UINT8.read_bytes(), "regenerate: see models/README.md"
    assert variant_path("a/b.onnx") == Path("a/b.uint8.onnx")
    with pytest.raises(ExportError, match="no model"):
        main([str(tmp_path / "missing.onnx")])


@pytest.mark.skipif(shutil.which("node") is None or not (ROOT / "node_modules" / "onnxruntime-node").is_dir(),
                    reason="needs node and onnxruntime-node (npm ci)")
def test_uint8_variant_equals_fp32_on_whole_pixel_crops_in_onnxruntime_node():
    c = card(onnx.load(str(SHIPPED)))
    args = json.dumps({"mean": json.loads(c["mean"]), "std": json.loads(c["std"]), "input_size": json.loads(c["input_size"])})
    r = subprocess.run(["node", str(ORTCHECK), str(SHIPPED), str(SHIPPED_UINT8), args], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert result["dims"] == [2, 12]
    assert result["max_abs_diff"] <= 1e-5
