"""A small numpy interpreter of the snnc ONNX profile (v1 and v2).

Runs the one-step graph for t = 0..steps-1 on a batch, keeping LIF membranes and Readout sums as
state, with the portable Poisson encoder (T = the model's snnc.num_steps). Float32 throughout, in
the canonical evaluation order documented in docs/onnx-profile.md.

    python3 -m snncref.interp model.onnx inputs.npy [--steps S] [--seed 0]
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

from . import encoder
from .layers import RESETS, membrane_step, neuron_step, per_channel

F32 = np.float32


def _attrs(node):
    out = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, onnx.TensorProto):
            v = numpy_helper.to_array(v).astype(F32)
        elif isinstance(v, list) and v and isinstance(v[0], float):
            v = np.asarray(v, F32)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _param(v, ndim):
    """A neuron parameter (float or float32 array) broadcast over [N, ...] of rank ndim."""
    return F32(v) if isinstance(v, float) else per_channel(np.asarray(v, F32), ndim)


def _spike(v, thr):
    s = (v > thr).astype(F32)
    return s, s


def _pad_nchw(x, pads, value=0.0):
    if not any(pads):
        return x
    t, l, b, r = pads[0], pads[1], pads[2], pads[3]
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=value)


def _windows(x, kh, kw, sh, sw, dh=1, dw=1):
    """[N,C,H,W] -> [N,C,Ho,Wo,kh,kw] view of the sliding windows."""
    v = np.lib.stride_tricks.sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return v[:, :, ::sh, ::sw, ::dh, ::dw]


def conv2d(x, w, b, a):
    kh, kw = w.shape[2:]
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    group = a.get("group", 1)
    if a.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
        raise ValueError("Conv auto_pad is not in the profile")
    xp = _pad_nchw(x, a.get("pads", [0, 0, 0, 0]))
    win = _windows(xp, kh, kw, sh, sw, dh, dw)  # N,C,Ho,Wo,kh,kw
    N, C, Ho, Wo = win.shape[:4]
    O = w.shape[0]
    outs = []
    for gi in range(group):
        cs = slice(gi * C // group, (gi + 1) * C // group)
        os_ = slice(gi * O // group, (gi + 1) * O // group)
        cols = win[:, cs].transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, -1)
        y = cols @ w[os_].reshape(O // group, -1).T
        outs.append(y.reshape(N, Ho, Wo, -1).transpose(0, 3, 1, 2))
    y = np.concatenate(outs, 1) if group > 1 else outs[0]
    if b is not None:
        y = y + b.reshape(1, -1, 1, 1)
    return np.ascontiguousarray(y, dtype=F32)


def pool2d(x, a, kind):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    if a.get("ceil_mode", 0) or a.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
        raise ValueError("pool ceil_mode/auto_pad are not in the profile")
    if kind == "max":
        win = _windows(_pad_nchw(x, pads, -np.inf), kh, kw, sh, sw)
        return np.ascontiguousarray(win.max(axis=(4, 5)), dtype=F32)
    win = _windows(_pad_nchw(x, pads), kh, kw, sh, sw)
    s = win.reshape(win.shape[:4] + (-1,)).sum(-1, dtype=F32)
    if any(pads) and not a.get("count_include_pad", 0):
        ones = _windows(_pad_nchw(np.ones((1, 1) + x.shape[2:], F32), pads), kh, kw, sh, sw)
        cnt = ones.reshape(ones.shape[:4] + (-1,)).sum(-1, dtype=F32)
        return (s / cnt).astype(F32)
    return (s / F32(kh * kw)).astype(F32)


class Interpreter:
    """Loads a profile v1 or v2 model; run() executes it for a number of steps."""

    def __init__(self, path_or_proto):
        proto = onnx.load(path_or_proto) if isinstance(path_or_proto, str) else path_or_proto
        self.proto = proto
        meta = {p.key: p.value for p in proto.metadata_props}
        if meta.get("snnc.profile") not in ("1", "2"):
            raise ValueError("not an snnc profile v1/v2 model (metadata snnc.profile is not '1' or '2')")
        self.num_steps = int(meta["snnc.num_steps"])
        g = proto.graph
        self.init = {i.name: numpy_helper.to_array(i).astype(F32) for i in g.initializer}
        self.input_name = g.input[0].name
        self.output_name = g.output[0].name
        self.nodes = [(n, _attrs(n)) for n in g.node]
        self.lif_names = [n.name for n, _ in self.nodes if n.op_type == "LIF"]

    def run(self, x, sample_index=None, seed=0, steps=None):
        """x: [N, ...] float32. Returns dict: logits [N, K] (after `steps`), outputs [S, N, K] (per exit
        step), spikes {lif node name: int64 [N, S]}."""
        x = np.asarray(x, dtype=F32)
        N = x.shape[0]
        steps = self.num_steps if steps is None else int(steps)
        if sample_index is None:
            sample_index = np.arange(N)
        state = {}
        outputs = []
        spikes = {n: np.zeros((N, steps), np.int64) for n in self.lif_names}
        for t in range(steps):
            env = dict(self.init)
            env[self.input_name] = x
            for node, a in self.nodes:
                ins = [env[i] if i else None for i in node.input]
                y = self._op(node, a, ins, t, sample_index, seed, state)
                env[node.output[0]] = y
                if node.op_type == "LIF":
                    spikes[node.name][:, t] = y.reshape(N, -1).sum(1).astype(np.int64)
            outputs.append(env[self.output_name])
        out = np.stack(outputs, 0)
        return {"logits": out[-1], "outputs": out, "spikes": spikes,
                "predictions": out[-1].argmax(-1).astype(np.int64)}

    def _op(self, node, a, ins, t, sample_index, seed, state):
        op = node.op_type
        x = ins[0]
        if node.domain == "ai.snnc":
            if op == "PoissonEncode":
                x = encoder.normalize(x, a.get("mean"), a.get("std"))
                return encoder.poisson_encode(x, sample_index, t, self.num_steps, seed,
                                              a.get("scale", 1.0), a.get("signed", 1))
            if op == "DirectEncode":
                return encoder.normalize(x, a.get("mean"), a.get("std"))
            if op == "BNTT":
                scale, mean, var = ins[1][t], ins[2][t], ins[3][t]
                eps = F32(a.get("epsilon", 1e-4))
                k = (scale / np.sqrt(var + eps)).astype(F32)
                shape = (1, -1) + (1,) * (x.ndim - 2)
                y = ((x - mean.reshape(shape)) * k.reshape(shape)).astype(F32)
                if len(ins) > 4 and ins[4] is not None:
                    y = (y + ins[4][t].reshape(shape)).astype(F32)
                return y
            if op == "LIF":
                reset = a.get("reset", "soft")
                if reset not in RESETS:
                    raise ValueError(f"{node.name}: unknown reset {reset!r}")
                p = {"leak": _param(a["leak"], x.ndim), "threshold": _param(a.get("threshold", 1.0), x.ndim),
                     "reset": {"soft": "subtract", "hard": "zero"}.get(reset, reset),
                     "v_reset": F32(a.get("v_reset", 0.0)), "syn_leak": None, "syn_gain": None}
                if "syn_leak" in a:
                    p["syn_leak"] = _param(a["syn_leak"], x.ndim)
                    p["syn_gain"] = _param(a.get("syn_gain", 1.0), x.ndim)
                u, s_prev, syn = state.get(node.name, (None, None, None))
                u, s, _, syn = neuron_step(u, s_prev, syn, x, p, _spike, np.where)
                state[node.name] = (u, s, syn)
                return s
            if op == "Readout" and a.get("mode", "mean") == "membrane":
                syn = ((_param(a["syn_leak"], x.ndim), _param(a.get("syn_gain", 1.0), x.ndim))
                       if "syn_leak" in a else ())
                acc, syn_state = state.get(node.name, (None, None))
                acc, syn_state = membrane_step(acc, syn_state, x, _param(a.get("leak", 1.0), x.ndim), *syn)
                state[node.name] = (acc, syn_state)
                return np.asarray(acc, F32)
            if op == "Readout":
                acc = state.get(node.name)
                acc = x.copy() if acc is None else acc + x
                state[node.name] = acc
                return (acc / F32(t + 1)).astype(F32)
            raise ValueError(f"unknown ai.snnc op {op}")
        if op == "Conv":
            return conv2d(x, ins[1], ins[2] if len(ins) > 2 else None, a)
        if op == "Gemm":
            A = x.T if a.get("transA", 0) else x
            B = ins[1].T if a.get("transB", 0) else ins[1]
            y = A @ B
            if a.get("alpha", 1.0) != 1.0:
                y = y * F32(a["alpha"])
            if len(ins) > 2 and ins[2] is not None:
                c = ins[2]
                y = y + (c if a.get("beta", 1.0) == 1.0 else c * F32(a["beta"]))
            return y.astype(F32)
        if op == "MatMul":
            return (x @ ins[1]).astype(F32)
        if op == "Add":
            return (x + ins[1]).astype(F32)
        if op == "AveragePool":
            return pool2d(x, a, "avg")
        if op == "MaxPool":
            return pool2d(x, a, "max")
        if op == "GlobalAveragePool":
            s = x.reshape(x.shape[:2] + (-1,)).sum(-1, dtype=F32)
            return (s / F32(x.shape[2] * x.shape[3])).astype(F32).reshape(x.shape[:2] + (1, 1))
        if op == "Flatten":
            ax = a.get("axis", 1)
            return x.reshape(int(np.prod(x.shape[:ax])), -1)
        if op == "Reshape":
            shape = [int(v) for v in ins[1]]
            shape = [x.shape[i] if v == 0 and not a.get("allowzero", 0) else v for i, v in enumerate(shape)]
            return x.reshape(shape)
        if op == "BatchNormalization":
            scale, bias, mean, var = ins[1:5]
            eps = F32(a.get("epsilon", 1e-5))
            k = (scale / np.sqrt(var + eps)).astype(F32)
            shape = (1, -1) + (1,) * (x.ndim - 2)
            return ((x - mean.reshape(shape)) * k.reshape(shape) + bias.reshape(shape)).astype(F32)
        raise ValueError(f"op {op} is not in the snnc profile v1")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("inputs", help=".npy [N, ...] float32")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    r = Interpreter(args.model).run(np.load(args.inputs), seed=args.seed, steps=args.steps)
    for i, (p, l) in enumerate(zip(r["predictions"], r["logits"])):
        print(i, int(p), " ".join(f"{v:.6f}" for v in l))
    return 0


if __name__ == "__main__":
    sys.exit(main())
