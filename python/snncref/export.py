"""The snnc ONNX profile writer (export_onnx) and reader back into the torch reference (load_onnx).

The graph describes ONE time step; weights are initializers shared over time; BNTT tables are [T, C].
Written directly with onnx.helper: IR version 8, opsets {"": 17, "ai.snnc": P}. P = 1 unless a
layer needs profile version 2 (the general neuron: LIF.is_v1() / Readout.is_v1() false), so
every v1 model is written exactly as before.
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
SNNC_VERSION = 1  # the profile of models that need nothing newer
PROFILES = ("1", "2")


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


def _neuron_value(v):
    """A neuron parameter as an attribute value: a float, or a float32 tensor (per channel/neuron)."""
    if isinstance(v, float):
        return v
    return numpy_helper.from_array(np.ascontiguousarray(v.detach().numpy().astype(np.float32)))


def _lif_attrs(m, profile):
    attrs = dict(leak=_neuron_value(m.leak), threshold=_neuron_value(m.threshold), reset=m.reset)
    if profile >= 2:
        if m.v_reset != 0.0:
            attrs["v_reset"] = m.v_reset
        if m.syn_leak is not None:
            attrs.update(syn_leak=_neuron_value(m.syn_leak), syn_gain=_neuron_value(m.syn_gain))
    return attrs


def _readout_attrs(m):
    if m.mode == "mean":
        return {}
    attrs = dict(mode="membrane", leak=_neuron_value(m.leak))
    if m.syn_leak is not None:
        attrs.update(syn_leak=_neuron_value(m.syn_leak), syn_gain=_neuron_value(m.syn_gain))
    return attrs


def profile_of(model):
    """2 when a layer needs profile version 2, else 1."""
    return 2 if any(isinstance(m, (LIF, Readout)) and not m.is_v1() for m in model.layers.values()) else 1


def to_onnx(model, input_shape=None, num_steps=None):
    """Builds the onnx.ModelProto of a trained SNN, in profile v1 when it suffices, else v2."""
    in_shape = tuple(model.input_shape if input_shape is None else input_shape)
    if len(in_shape) == len(model.input_shape) + 1:
        in_shape = in_shape[1:]  # a batch dimension was given
    if in_shape != tuple(model.input_shape):
        raise ValueError(f"input shape {in_shape} does not match the model's {model.input_shape}")
    T = model.num_steps if num_steps is None else int(num_steps)
    if T < 1:
        raise ValueError("num_steps must be >= 1")
    shapes = _layer_shapes(model)
    profile = profile_of(model)
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
            node = helper.make_node("LIF", [prev], [out], name=name, domain=SNNC_DOMAIN, **_lif_attrs(m, profile))
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
            node = helper.make_node("Readout", [prev], [out], name=name, domain=SNNC_DOMAIN, **_readout_attrs(m))
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
                                             helper.make_opsetid(SNNC_DOMAIN, profile)])
    proto.ir_version = IR_VERSION
    proto.doc_string = f"snnc profile v{profile}: {model.arch}"
    helper.set_model_props(proto, {"snnc.profile": str(profile), "snnc.num_steps": str(T),
                                   "snnc.model_name": model.model_name})
    return proto


def export_onnx(model, path, input_shape=None, num_steps=None):
    """Writes `model` to `path` in the snnc ONNX profile (v1, or v2 when needed) and checks it
    with onnx.checker."""
    proto = to_onnx(model, input_shape, num_steps)
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def _attrs(node):
    """Attribute values: strings decoded, tensors as float32 numpy arrays."""
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, onnx.TensorProto):
            v = numpy_helper.to_array(v).astype(np.float32)
        out[a.name] = v
    return out


def _neuron_param(v):
    """An attribute value back as LIF/Readout take it (float, or a tensor for floats/tensors)."""
    if v is None or isinstance(v, float):
        return v
    return torch.from_numpy(np.asarray(v, np.float32).copy())


def load_onnx(path_or_proto):
    """Rebuilds the torch reference SNN (eval mode) from a profile v1 or v2 file."""
    proto = onnx.load(path_or_proto) if isinstance(path_or_proto, str) else path_or_proto
    meta = {p.key: p.value for p in proto.metadata_props}
    if meta.get("snnc.profile") not in PROFILES:
        raise ValueError("not an snnc profile v1/v2 model")
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
            m = LIF(_neuron_param(a["leak"]), _neuron_param(a.get("threshold", 1.0)), a.get("reset", "soft"),
                    a.get("v_reset", 0.0), _neuron_param(a.get("syn_leak")), _neuron_param(a.get("syn_gain")))
        elif n.op_type in ("AveragePool", "MaxPool"):
            p = a.get("pads", [0, 0, 0, 0])
            cls = nn.AvgPool2d if n.op_type == "AveragePool" else nn.MaxPool2d
            m = cls(tuple(a["kernel_shape"]), tuple(a.get("strides", [1, 1])), (p[0], p[1]))
        elif n.op_type == "GlobalAveragePool":
            m = GlobalAvgPool()
        elif n.op_type == "Flatten":
            m = nn.Flatten(1)
        elif n.op_type == "Readout":
            m = Readout(a.get("mode", "mean"), _neuron_param(a.get("leak", 1.0)), _neuron_param(a.get("syn_leak")),
                        _neuron_param(a.get("syn_gain")))
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
                proto.doc_string.replace(f"snnc profile v{meta['snnc.profile']}: ", ""))
    return model.eval()
