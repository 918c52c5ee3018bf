import base64
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from auformer.errors import ExportError
from auformer.export import demo_moke_init, export_onnx, random_preset
from auformer.models.auformer import create_model

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "auformer-tiny.onnx"


def f32(b64):
    return np.frombuffer(base64.b64decode(b64), "<f4")


def test_export_contract_metadata_and_parity(tmp_path):
    torch.manual_seed(0)
    m = create_model("tiny", input_size=(48, 32), patch_size=8, embed_dim=32, depth=2, num_heads=2,
                     au_names=("AU01", "AU12", "AU25"), name="unit", thresholds=(0.4, 0.5, 0.6))
    demo_moke_init(m, 1)
    res = export_onnx(m, tmp_path / "unit.onnx", seed=3)
    assert res["max_abs_diff"] <= 1e-4  # checked by onnxruntime, not just written
    proto = onnx.load(str(tmp_path / "unit.onnx"))
    assert proto.opset_import[0].version == 17
    (inp,), (out,) = proto.graph.input, proto.graph.output
    assert inp.name == "images" and out.name == "logits"
    assert [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim] == ["batch", 3, 48, 32]
    assert [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim] == ["batch", 3]
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["auformer.card_version"] == "1" and meta["name"] == "unit"
    assert json.loads(meta["au_names"]) == ["AU01", "AU12", "AU25"]
    assert json.loads(meta["input_size"]) == [48, 32]
    assert json.loads(meta["mean"]) == [0.5, 0.5, 0.5] and json.loads(meta["std"]) == [0.5, 0.5, 0.5]
    assert json.loads(meta["thresholds"]) == [0.4, 0.5, 0.6]
    tmpl = json.loads(meta["alignment_template"])  # 224 template scaled to 32 wide, 48 high
    assert tmpl[0] == pytest.approx([78.4 * 32 / 224, 89.6 * 48 / 224]) and len(tmpl) == 4
    assert meta["untrained"] == "true" and meta["licence"] and meta["training_data"]
    assert meta["keypoint_source"] == "blazeface" and "training_provenance" not in meta
    fx = json.loads((tmp_path / "unit.parity.json").read_text())
    assert fx["input_shape"] == [2, 3, 48, 32] and fx["tolerance"] == 1e-4
    with torch.no_grad():
        want = m(torch.from_numpy(f32(fx["input_b64"]).reshape(2, 3, 48, 32).copy()))
    assert np.allclose(f32(fx["logits_b64"]), want.numpy().ravel(), atol=1e-6)
    with pytest.raises(ExportError, match="opset=13 is too old"):
        export_onnx(m, tmp_path / "old.onnx", opset=13)


def test_shipped_tiny_model_regenerates_within_tolerance():
    fx = json.loads(SHIPPED.with_suffix(".parity.json").read_text())
    m = random_preset("tiny", 0).eval()
    x = torch.from_numpy(f32(fx["input_b64"]).reshape(fx["input_shape"]).copy())
    with torch.no_grad():
        got = m(x).numpy().ravel()
    assert np.abs(got - f32(fx["logits_b64"])).max() <= fx["tolerance"]
    # the experts matter in the demo model: zeroing their up-projections changes the logits
    for g in [*m.moke_att, *m.moke_mlp]:
        torch.nn.init.zeros_(g.up_weight)
        torch.nn.init.zeros_(g.up_bias)
    with torch.no_grad():
        assert np.abs(m(x).numpy().ravel() - got).max() > 1e-3
    meta = {p.key: p.value for p in onnx.load(str(SHIPPED)).metadata_props}
    assert meta["untrained"] == "true" and "UNTRAINED" in meta["description"]
    assert json.loads(meta["au_names"]) == ["AU01", "AU02", "AU04", "AU06", "AU07", "AU10", "AU12", "AU14",
                                            "AU15", "AU17", "AU23", "AU24"]
    assert json.loads(meta["alignment_template"]) == [[78.4, 89.6], [145.6, 89.6], [112.0, 123.2], [112.0, 161.3]]
