"""The subset of the TFLite schema (tensorflow/lite/schema/schema.fbs) the MediaPipe face
models use, read into plain Python objects. Field numbers follow schema.fbs."""
from dataclasses import dataclass, field

import numpy as np

from flatbuffer import root

# BuiltinOperator values from schema.fbs.
OPS = {0: "ADD", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE",
       14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 22: "RESHAPE",
       23: "RESIZE_BILINEAR", 34: "PAD", 54: "PRELU", 97: "RESIZE_NEAREST_NEIGHBOR"}
# TensorType values from schema.fbs.
DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 9: np.int8}


@dataclass
class Tensor:
    name: str
    shape: tuple
    dtype: type
    data: np.ndarray | None  # constant contents, None for activations


@dataclass
class Operator:
    op: str
    inputs: list
    outputs: list
    options: dict = field(default_factory=dict)


@dataclass
class Graph:
    tensors: list
    inputs: list
    outputs: list
    operators: list


def _options(op: str, t) -> dict:
    """Builtin options by field number; defaults are schema.fbs's."""
    if t is None:
        return {}
    if op == "CONV_2D":
        return dict(padding=t.scalar(0, "b"), stride_w=t.scalar(1, "i"), stride_h=t.scalar(2, "i"),
                    act=t.scalar(3, "b"), dil_w=t.scalar(4, "i", 1), dil_h=t.scalar(5, "i", 1))
    if op == "DEPTHWISE_CONV_2D":
        return dict(padding=t.scalar(0, "b"), stride_w=t.scalar(1, "i"), stride_h=t.scalar(2, "i"),
                    multiplier=t.scalar(3, "i"), act=t.scalar(4, "b"),
                    dil_w=t.scalar(5, "i", 1), dil_h=t.scalar(6, "i", 1))
    if op == "MAX_POOL_2D":
        return dict(padding=t.scalar(0, "b"), stride_w=t.scalar(1, "i"), stride_h=t.scalar(2, "i"),
                    filter_w=t.scalar(3, "i"), filter_h=t.scalar(4, "i"), act=t.scalar(5, "b"))
    if op in ("ADD", "MUL"):
        return dict(act=t.scalar(0, "b"))
    if op == "CONCATENATION":
        return dict(axis=t.scalar(0, "i"), act=t.scalar(1, "b"))
    if op == "RESHAPE":
        return dict(new_shape=[int(v) for v in t.vector(0, np.int32)])
    if op in ("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"):
        # ResizeBilinearOptions: new_height/new_width are deprecated fields 0 and 1.
        return dict(align_corners=bool(t.scalar(2, "B")), half_pixel=bool(t.scalar(3, "B")))
    return {}


def read_tflite(buf: bytes) -> Graph:
    model = root(buf)
    if buf[4:8] != b"TFL3":
        raise ValueError("not a TFLite flatbuffer (file identifier is not TFL3)")
    codes = []
    for c in model.tables(1):
        code = max(c.scalar(0, "b"), c.scalar(3, "i"))  # deprecated byte code or the int32 one
        if code not in OPS:
            raise ValueError(f"unsupported TFLite builtin operator {code}")
        codes.append(OPS[code])
    buffers = [b.vector(0, np.uint8) for b in model.tables(4)]
    subgraphs = model.tables(2)
    if len(subgraphs) != 1:
        raise ValueError(f"expected one subgraph, found {len(subgraphs)}")
    g = subgraphs[0]
    tensors = []
    for t in g.tables(0):
        dtype = DTYPES[t.scalar(1, "b")]
        shape = tuple(int(v) for v in t.vector(0, np.int32))
        raw = buffers[t.scalar(2, "I")]
        data = raw.view(dtype).reshape(shape).copy() if raw.size else None
        tensors.append(Tensor(t.string(3), shape, dtype, data))
    ops = []
    for o in g.tables(3):
        op = codes[o.scalar(0, "I")]
        ops.append(Operator(op, [int(i) for i in o.vector(1, np.int32)],
                            [int(i) for i in o.vector(2, np.int32)], _options(op, o.table(4))))
    return Graph(tensors, [int(i) for i in g.vector(1, np.int32)],
                 [int(i) for i in g.vector(2, np.int32)], ops)
