import json
import re
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto

from auformer.errors import ExportError
from auformer.export import main as export_main
from auformer.triton_repo import config_pbtxt, main, write_triton_repository

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "models" / "auformer-tiny.onnx"


def parameters(text):
    """key -> string_value of a config.pbtxt's parameters blocks (protobuf text escapes undone)."""
    pairs = re.findall(r'parameters \{\n  key: "((?:[^"\\]|\\.)*)"\n  value: \{ string_value: "((?:[^"\\]|\\.)*)" \}\n\}', text)
    unescape = lambda s: s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
    return {unescape(k): unescape(v) for k, v in pairs}


def test_repository_layout_config_fields_and_card(tmp_path):
    res = main([str(SHIPPED), "--repo", str(tmp_path), "--max-batch-size", "32", "--queue-delay-us", "2000"])
    folder = tmp_path / "auformer-tiny"
    assert res == {"config": str(folder / "config.pbtxt"), "model": str(folder / "1" / "model.onnx"), "name": "auformer-tiny"}
    text = (folder / "config.pbtxt").read_text()
    assert 'name: "auformer-tiny"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 32\n' in text
    assert 'input [\n  {\n    name: "images"\n    data_type: TYPE_UINT8\n    dims: [ 3, 224, 224 ]\n  }\n]' in text
    assert 'output [\n  {\n    name: "logits"\n    data_type: TYPE_FP32\n    dims: [ 12 ]\n  }\n]' in text
    assert "dynamic_batching {\n  max_queue_delay_microseconds: 2000\n}" in text
    assert "instance_group [\n  {\n    count: 1\n    kind: KIND_GPU\n  }\n]" in text
    served = onnx.load(str(folder / "1" / "model.onnx"))
    assert served.graph.input[0].type.tensor_type.elem_type == TensorProto.UINT8
    card = {p.key: p.value for p in served.metadata_props}
    assert parameters(text) == card, "the whole card travels in parameters, escapes intact"
    assert json.loads(parameters(text)["au_names"])[0] == "AU01"


def test_float32_option_cpu_kind_and_errors(tmp_path):
    res = write_triton_repository(SHIPPED, tmp_path, name="tiny-f32", uint8=False, kind="KIND_CPU", instances=2)
    text = Path(res["config"]).read_text()
    assert "data_type: TYPE_FP32\n    dims: [ 3, 224, 224 ]" in text and "count: 2\n    kind: KIND_CPU" in text
    assert Path(res["model"]).read_bytes() == SHIPPED.read_bytes()
    with pytest.raises(ExportError, match="KIND_GPU or KIND_CPU"):
        config_pbtxt(onnx.load(str(SHIPPED)), "x", kind="GPU")
    with pytest.raises(ExportError, match="max_batch_size"):
        config_pbtxt(onnx.load(str(SHIPPED)), "x", max_batch_size=0)
    with pytest.raises(ExportError, match="without '/'"):
        write_triton_repository(SHIPPED, tmp_path, name="a/b")
    with pytest.raises(ExportError, match="no model"):
        write_triton_repository(tmp_path / "none.onnx", tmp_path)


def test_export_hook_writes_uint8_variant_and_repository(tmp_path):
    out = tmp_path / "tiny.onnx"
    res = export_main(["--preset", "tiny", "--demo", "--out", str(out), "--no-check", "--uint8",
                       "--triton-repo", str(tmp_path / "repo")])
    assert res["uint8"] == str(tmp_path / "tiny.uint8.onnx") and Path(res["uint8"]).is_file()
    assert Path(res["triton"]["config"]).is_file()
