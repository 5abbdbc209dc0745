"""The snnc ONNX profile v1 writer (export_onnx) and reader back into the torch reference (load_onnx).

The graph describes ONE time step; weights are initializers shared over time; BNTT tables are [T, C].
Written directly with onnx.helper: IR version 8, opsets {"": 17, "ai.snnc": 1}.
"""
import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

from .layers import BNTT, LIF, GlobalAvgPool, Readout, StaticBN
from .models import SNN

IR_VERSION = 8
OPSET = 17
SNNC_DOMAIN = "ai.snnc"
SNNC_VERSION = 1


def _pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def _layer_shapes(model):
    """Per-sample output shape of every layer (eval mode, one step, one sample)."""
    shapes = {}
    was_training = model.training
    model.eval()
    with torch.no_grad():
        h = torch.zeros((1, 1) + tuple(model.input_shape))
        for name, m in model.layers.items():
            if isinstance(m, (nn.Conv2d, nn.Linear, nn.AvgPool2d, nn.MaxPool2d, nn.Flatten, GlobalAvgPool)):
                h = m(h.reshape((1,) + tuple(h.shape[2:]))).unsqueeze(0)
            else:
                h = m(h)
            shapes[name] = tuple(h.shape[2:])
    model.train(was_training)
    return shapes


def to_onnx(model, input_shape=None, num_steps=None):
    """Builds the profile-v1 onnx.ModelProto of a trained SNN."""
    in_shape = tuple(model.input_shape if input_shape is None else input_shape)
    if len(in_shape) == len(model.input_shape) + 1:
        in_shape = in_shape[1:]  # a batch dimension was given
    if in_shape != tuple(model.input_shape):
        raise ValueError(f"input shape {in_shape} does not match the model's {model.input_shape}")
    T = model.num_steps if num_steps is None else int(num_steps)
    if T < 1:
        raise ValueError("num_steps must be >= 1")
    shapes = _layer_shapes(model)
    nodes, inits, vinfo = [], [], []

    def init(name, t):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(t.detach().numpy().astype(np.float32)), name))
        return name

    def vi(name, shape):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["N"] + list(shape))

    enc = model.encoder_cfg
    norm = {}
    if enc.get("mean") is not None:
        C = in_shape[0]
        if len(enc["mean"]) != C or len(enc.get("std") or []) != C:
            raise ValueError(f"encoder mean/std need {C} values (input channels)")
        if not all(s > 0 for s in enc["std"]):
            raise ValueError("encoder std must be > 0")
        norm = dict(mean=[float(v) for v in enc["mean"]], std=[float(v) for v in enc["std"]])
    if enc["kind"] == "poisson":
        nodes.append(helper.make_node("PoissonEncode", ["input"], ["encode"], name="encode", domain=SNNC_DOMAIN,
                                      scale=float(enc.get("scale", 1.0)), signed=int(enc.get("signed", 1)), **norm))
    else:
        nodes.append(helper.make_node("DirectEncode", ["input"], ["encode"], name="encode", domain=SNNC_DOMAIN,
                                      **norm))
    vinfo.append(vi("encode", in_shape))
    prev = "encode"
    names = list(model.layers.keys())
    for name, m in model.layers.items():
        out = "logits" if isinstance(m, Readout) else name
        if isinstance(m, nn.Conv2d):
            ins = [prev, init(name + ".weight", m.weight)]
            if m.bias is not None:
                ins.append(init(name + ".bias", m.bias))
            if isinstance(m.padding, str):
                raise ValueError("string padding is not supported")
            ph, pw = _pair(m.padding)
            node = helper.make_node("Conv", ins, [out], name=name, kernel_shape=_pair(m.kernel_size),
                                    strides=_pair(m.stride), pads=[ph, pw, ph, pw], dilations=_pair(m.dilation),
                                    group=m.groups)
        elif isinstance(m, nn.Linear):
            ins = [prev, init(name + ".weight", m.weight)]
            if m.bias is not None:
                ins.append(init(name + ".bias", m.bias))
            node = helper.make_node("Gemm", ins, [out], name=name, transB=1)
        elif isinstance(m, BNTT):
            if T > m.num_steps:
                raise ValueError(f"{name}: BNTT has {m.num_steps} steps, export asked for {T}")
            ins = [prev, init(name + ".scale", m.weight[:T]), init(name + ".mean", m.running_mean[:T]),
                   init(name + ".var", m.running_var[:T])]
            if m.bias is not None:
                ins.append(init(name + ".bias", m.bias[:T]))
            node = helper.make_node("BNTT", ins, [out], name=name, domain=SNNC_DOMAIN, epsilon=float(m.eps))
        elif isinstance(m, StaticBN):
            ins = [prev, init(name + ".scale", m.weight), init(name + ".bias", m.bias),
                   init(name + ".mean", m.running_mean), init(name + ".var", m.running_var)]
            node = helper.make_node("BatchNormalization", ins, [out], name=name, epsilon=float(m.eps))
        elif isinstance(m, LIF):
            node = helper.make_node("LIF", [prev], [out], name=name, domain=SNNC_DOMAIN, leak=float(m.leak),
                                    threshold=float(m.threshold), reset=m.reset)
        elif isinstance(m, (nn.AvgPool2d, nn.MaxPool2d)):
            k = _pair(m.kernel_size)
            s = _pair(m.stride if m.stride is not None else m.kernel_size)
            p = _pair(m.padding)
            attrs = dict(kernel_shape=k, strides=s, pads=[p[0], p[1], p[0], p[1]])
            if isinstance(m, nn.AvgPool2d):
                if m.ceil_mode or (any(p) and not m.count_include_pad) or m.divisor_override:
                    raise ValueError(f"{name}: unsupported AvgPool2d options")
                node = helper.make_node("AveragePool", [prev], [out], name=name, count_include_pad=1, **attrs)
            else:
                node = helper.make_node("MaxPool", [prev], [out], name=name, **attrs)
        elif isinstance(m, GlobalAvgPool):
            node = helper.make_node("GlobalAveragePool", [prev], [out], name=name)
        elif isinstance(m, nn.Flatten):
            if m.start_dim != 1 or m.end_dim != -1:
                raise ValueError(f"{name}: only Flatten(1) is supported")
            node = helper.make_node("Flatten", [prev], [out], name=name, axis=1)
        elif isinstance(m, Readout):
            if name != names[-1]:
                raise ValueError("Readout must be the last layer")
            node = helper.make_node("Readout", [prev], [out], name=name, domain=SNNC_DOMAIN)
        else:
            raise ValueError(f"{name}: layer type {type(m).__name__} is not in the profile")
        nodes.append(node)
        if out != "logits":
            vinfo.append(vi(out, shapes[name]))
        prev = out
    if prev != "logits":
        raise ValueError("the model must end with a Readout layer")
    graph = helper.make_graph(nodes, model.model_name or "snn", [vi("input", in_shape)],
                              [vi("logits", shapes[names[-1]])], initializer=inits, value_info=vinfo)
    proto = helper.make_model(graph, producer_name="snncref", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET),
                                             helper.make_opsetid(SNNC_DOMAIN, SNNC_VERSION)])
    proto.ir_version = IR_VERSION
    proto.doc_string = f"snnc profile v1: {model.arch}"
    helper.set_model_props(proto, {"snnc.profile": "1", "snnc.num_steps": str(T),
                                   "snnc.model_name": model.model_name})
    return proto


def export_onnx(model, path, input_shape=None, num_steps=None):
    """Writes `model` to `path` in the snnc ONNX profile v1 and checks it with onnx.checker."""
    proto = to_onnx(model, input_shape, num_steps)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def load_onnx(path_or_proto):
    """Rebuilds the torch reference SNN (eval mode) from a profile-v1 file."""
    proto = onnx.load(path_or_proto) if isinstance(path_or_proto, str) else path_or_proto
    meta = {p.key: p.value for p in proto.metadata_props}
    if meta.get("snnc.profile") != "1":
        raise ValueError("not an snnc profile v1 model")
    T = int(meta["snnc.num_steps"])
    g = proto.graph
    W = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    in_dims = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim][1:]
    layers, enc = [], None
    for n in g.node:
        a = _attrs(n)
        norm = {"mean": list(a["mean"]), "std": list(a["std"])} if "mean" in a else {}
        if n.op_type == "PoissonEncode":
            enc = {"kind": "poisson", "scale": float(a.get("scale", 1.0)), "signed": int(a.get("signed", 1)), **norm}
            continue
        if n.op_type == "DirectEncode":
            enc = {"kind": "direct", **norm}
            continue
        if n.op_type == "Conv":
            w = W[n.input[1]]
            pads = a.get("pads", [0, 0, 0, 0])
            m = nn.Conv2d(w.shape[1] * a.get("group", 1), w.shape[0], tuple(w.shape[2:]), stride=a.get("strides", 1),
                          padding=(pads[0], pads[1]), dilation=a.get("dilations", 1), groups=a.get("group", 1),
                          bias=len(n.input) > 2)
        elif n.op_type == "Gemm":
            w = W[n.input[1]]
            m = nn.Linear(w.shape[1], w.shape[0], bias=len(n.input) > 2 and n.input[2] != "")
        elif n.op_type == "BNTT":
            C = W[n.input[1]].shape[1]
            m = BNTT(C, W[n.input[1]].shape[0], eps=a.get("epsilon", 1e-4), bias=len(n.input) > 4)
        elif n.op_type == "BatchNormalization":
            m = StaticBN(W[n.input[1]].shape[0], eps=a.get("epsilon", 1e-5))
        elif n.op_type == "LIF":
            r = a.get("reset", b"soft")
            m = LIF(a["leak"], a.get("threshold", 1.0), r.decode() if isinstance(r, bytes) else r)
        elif n.op_type in ("AveragePool", "MaxPool"):
            p = a.get("pads", [0, 0, 0, 0])
            cls = nn.AvgPool2d if n.op_type == "AveragePool" else nn.MaxPool2d
            m = cls(tuple(a["kernel_shape"]), tuple(a.get("strides", [1, 1])), (p[0], p[1]))
        elif n.op_type == "GlobalAveragePool":
            m = GlobalAvgPool()
        elif n.op_type == "Flatten":
            m = nn.Flatten(1)
        elif n.op_type == "Readout":
            m = Readout()
        else:
            raise ValueError(f"load_onnx: op {n.op_type} not supported")
        with torch.no_grad():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.copy_(W[n.input[1]])
                if m.bias is not None:
                    m.bias.copy_(W[n.input[2]])
            elif isinstance(m, BNTT):
                m.weight.copy_(W[n.input[1]])
                m.running_mean.copy_(W[n.input[2]])
                m.running_var.copy_(W[n.input[3]])
                if m.bias is not None:
                    m.bias.copy_(W[n.input[4]])
            elif isinstance(m, StaticBN):
                m.weight.copy_(W[n.input[1]])
                m.bias.copy_(W[n.input[2]])
                m.running_mean.copy_(W[n.input[3]])
                m.running_var.copy_(W[n.input[4]])
        layers.append((n.name, m))
    if enc is None:
        enc = {"kind": "direct"}
    model = SNN(meta.get("snnc.model_name", g.name), None, in_dims, T, layers, enc,
                proto.doc_string.replace("snnc profile v1: ", ""))
    return model.eval()
