"""Converts a float TFLite graph (fp16 weights behind DEQUANTIZE) to ONNX with numpy + onnx.

Activations run NCHW inside the ONNX graph (TFLite is NHWC): the input is transposed once (or
taken NCHW as it is, with input_layout="nchw"), and outputs and RESHAPE inputs are transposed
back, so tensor values and output layouts are the TFLite ones. The batch dimension is symbolic ("batch") so several faces run in one call.
Only a format conversion: weights are the TFLite weights widened from fp16 to fp32.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from tflite_model import Graph

ACT = {0: None, 1: "Relu"}  # fused_activation_function values the face models use
NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]


def _same_pads(size, kernel, stride, dilation):
    """TF 'SAME' padding for one spatial axis: the odd pixel goes at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class Converter:
    def __init__(self, graph: Graph):
        self.g = graph
        self.nodes, self.inits = [], []
        self.names = {}  # tflite tensor index -> ONNX value name (NCHW for rank 4)
        self.consts = {}  # tflite tensor index -> fp32/int numpy array

    def const(self, idx):
        if idx in self.consts:
            return self.consts[idx]
        t = self.g.tensors[idx]
        if t.data is None:
            raise ValueError(f"tensor {t.name} is not a constant")
        return t.data

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op, inputs, out_idx, name, **attrs):
        out = self.g.tensors[out_idx].name
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        self.names[out_idx] = out
        return out

    def fused(self, op, inputs, out_idx, act, **attrs):
        if ACT.get(act, "?") == "?":
            raise ValueError(f"unsupported fused activation {act}")
        name = self.g.tensors[out_idx].name
        if ACT[act] is None:
            return self.node(op, inputs, out_idx, name, **attrs)
        pre = name + "/pre_act"
        self.nodes.append(helper.make_node(op, inputs, [pre], name=pre, **attrs))
        self.nodes.append(helper.make_node(ACT[act], [pre], [name], name=name))
        self.names[out_idx] = name
        return name

    def spatial_pads(self, in_idx, kh, kw, opts):
        _, h, w, _ = self.g.tensors[in_idx].shape
        if opts["padding"] == 1:  # VALID
            return [0, 0, 0, 0]
        top, bottom = _same_pads(h, kh, opts["stride_h"], opts.get("dil_h", 1))
        left, right = _same_pads(w, kw, opts["stride_w"], opts.get("dil_w", 1))
        return [top, left, bottom, right]

    def convert_op(self, i, o):
        t, opts, x = self.g.tensors, o.options, o.inputs
        if o.op == "DEQUANTIZE":
            self.consts[o.outputs[0]] = self.const(x[0]).astype(np.float32)
            return
        name = t[o.outputs[0]].name
        if o.op in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            w = self.const(x[1])
            depthwise = o.op == "DEPTHWISE_CONV_2D"
            w = w.transpose(3, 0, 1, 2) if depthwise else w.transpose(0, 3, 1, 2)
            kh, kw = w.shape[2], w.shape[3]
            ins = [self.names[x[0]], self.init(name + "/weights", w)]
            if len(x) > 2 and x[2] >= 0:
                ins.append(self.init(name + "/bias", self.const(x[2]).astype(np.float32)))
            self.fused("Conv", ins, o.outputs[0], opts["act"], kernel_shape=[kh, kw],
                       strides=[opts["stride_h"], opts["stride_w"]],
                       dilations=[opts["dil_h"], opts["dil_w"]],
                       pads=self.spatial_pads(x[0], kh, kw, opts),
                       group=t[x[0]].shape[3] if depthwise else 1)
        elif o.op == "PRELU":
            slope = self.const(x[1]).astype(np.float32).reshape(-1, 1, 1)
            self.node("PRelu", [self.names[x[0]], self.init(name + "/slope", slope)], o.outputs[0], name)
        elif o.op == "ADD":
            self.fused("Add", [self.names[x[0]], self.names[x[1]]], o.outputs[0], opts["act"])
        elif o.op == "RELU":
            self.node("Relu", [self.names[x[0]]], o.outputs[0], name)
        elif o.op == "MAX_POOL_2D":
            kh, kw = opts["filter_h"], opts["filter_w"]
            self.fused("MaxPool", [self.names[x[0]]], o.outputs[0], opts["act"], kernel_shape=[kh, kw],
                       strides=[opts["stride_h"], opts["stride_w"]],
                       pads=self.spatial_pads(x[0], kh, kw, opts))
        elif o.op == "PAD":
            p = self.const(x[1]).astype(np.int64)[NHWC_TO_NCHW]
            pads = np.concatenate([p[:, 0], p[:, 1]])
            self.node("Pad", [self.names[x[0]], self.init(name + "/pads", pads)], o.outputs[0], name)
        elif o.op == "RESIZE_BILINEAR":
            _, h, w, _ = t[x[0]].shape
            oh, ow = (int(v) for v in self.const(x[1]))
            mode = "align_corners" if opts["align_corners"] else (
                "half_pixel" if opts["half_pixel"] else "asymmetric")
            scales = np.array([1, 1, oh / h, ow / w], dtype=np.float32)
            self.node("Resize", [self.names[x[0]], "", self.init(name + "/scales", scales)],
                      o.outputs[0], name, mode="linear", coordinate_transformation_mode=mode)
        elif o.op == "RESHAPE":
            src = self.to_nhwc(x[0])
            # The output tensor's static shape (new_shape may hold its own -1), batch made dynamic.
            shape = np.array([-1, *t[o.outputs[0]].shape[1:]], dtype=np.int64)
            self.node("Reshape", [src, self.init(name + "/shape", shape)], o.outputs[0], name)
        else:
            raise ValueError(f"no ONNX conversion for TFLite {o.op} (operator {i})")

    def to_nhwc(self, idx):
        if len(self.g.tensors[idx].shape) != 4:
            return self.names[idx]
        out = self.names[idx] + "/nhwc"
        self.nodes.append(helper.make_node("Transpose", [self.names[idx]], [out], name=out,
                                           perm=NCHW_TO_NHWC))
        return out

    def run(self, graph_name, metadata, input_layout="nhwc"):
        (inp,) = self.g.inputs
        tin = self.g.tensors[inp]
        in_shape = list(tin.shape[1:])
        if input_layout == "nchw":
            in_shape = [in_shape[2], in_shape[0], in_shape[1]]
            self.names[inp] = tin.name
        else:
            self.nodes.append(helper.make_node("Transpose", [tin.name], [tin.name + "/nchw"],
                                               name=tin.name + "/nchw", perm=NHWC_TO_NCHW))
            self.names[inp] = tin.name + "/nchw"
        for i, o in enumerate(self.g.operators):
            self.convert_op(i, o)
        outputs = []
        for idx in self.g.outputs:
            t = self.g.tensors[idx]
            src = self.to_nhwc(idx)
            final = t.name + ":out"
            self.nodes.append(helper.make_node("Identity", [src], [final], name=final))
            outputs.append(helper.make_tensor_value_info(final, TensorProto.FLOAT, ["batch", *t.shape[1:]]))
        graph = helper.make_graph(
            self.nodes, graph_name,
            [helper.make_tensor_value_info(tin.name, TensorProto.FLOAT, ["batch", *in_shape])],
            outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                  producer_name="auformer-stream scripts/tflite2onnx", producer_version="1")
        model.ir_version = 8
        helper.set_model_props(model, metadata)
        onnx.checker.check_model(model)
        return model
