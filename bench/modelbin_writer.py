#!/usr/bin/env python3
"""Writes a model.bin (docs/model-bin.md) from a snncref PyTorch SNN, without the compiler.

A stand-in used by the benchmark and by runtime checks while `snnc` is not available; it is not
the compiler. The network is written unfolded: Conv/Gemm as CONV2D/DENSE, BNTT (eval) as two
CHANNEL_AFFINE layers with S = T tables, `x + (-mean_t)` then `a_t * x + 0` with
`a_t = gamma_t / sqrt(var_t + eps)` computed in float32 like the reference (bit-exact to its
`(x - mean_t) * a_t`), static BN likewise (S = 1), LIF with constant tables (gain 1, bias 0).
The protobuf wire format is encoded by hand (Debian's python3-protobuf is not assumed).

usage: modelbin_writer.py MODEL.onnx OUT.bin [--early-exit-step N]
"""
import os
import struct
import sys
import zlib

import numpy as np


# --- protobuf wire format -----------------------------------------------------------------
def _varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(field, v):
    return _varint(field << 3) + _varint(int(v)) if v else b""


def f_bytes(field, b):
    return _varint(field << 3 | 2) + _varint(len(b)) + b


def f_str(field, s):
    return f_bytes(field, s.encode()) if s else b""


def f_float(field, v):
    return _varint(field << 3 | 5) + struct.pack("<f", v) if v != 0 else b""


def f_packed(field, values):
    values = list(values)
    return f_bytes(field, b"".join(_varint(int(v)) for v in values)) if values else b""


def f_msg(field, body):
    return f_bytes(field, body)


def tensor(a):
    a = np.ascontiguousarray(a, dtype="<f4")
    return f_packed(1, a.shape) + f_bytes(3, a.tobytes())


def frame(payload):
    header = b"SNNCMBIN" + struct.pack("<IIQII", 1, 32, len(payload), zlib.crc32(payload) & 0xFFFFFFFF, 0)
    return header + payload


# --- model conversion ---------------------------------------------------------------------
ENCODE, CONV2D, DENSE, AVG, MAX, FLATTEN, ADD, AFFINE, LIF, READOUT = range(10)


def convert(model, source_name="", early_exit_step=None, producer="bench/modelbin_writer.py"):
    import torch.nn as nn
    from snncref.layers import BNTT, LIF as RefLIF, Readout, StaticBN

    T = model.num_steps
    layers = []  # (name, kind, inputs, shape, binary, params_field, params_body)
    shape = list(model.input_shape)
    enc = model.encoder_cfg
    if enc["kind"] == "direct":
        layers.append(("encode", ENCODE, [], shape, False, 10, f_varint(1, 1)))
    else:
        body = f_varint(1, 0) + f_float(2, float(enc.get("scale", 1.0))) + f_varint(3, int(enc.get("signed", 1)))
        layers.append(("encode", ENCODE, [], shape, True, 10, body))

    def add(name, kind, shape, binary=False, field=0, body=b""):
        layers.append((name, kind, [len(layers) - 1], list(shape), binary, field, body))

    for name, m in model.layers.items():
        prev_binary = layers[-1][4]
        if isinstance(m, nn.Conv2d):
            w = m.weight.detach().numpy()
            C, H, W = shape
            s, p, d = m.stride, m.padding, m.dilation
            OH = (H + 2 * p[0] - d[0] * (w.shape[2] - 1) - 1) // s[0] + 1
            OW = (W + 2 * p[1] - d[1] * (w.shape[3] - 1) - 1) // s[1] + 1
            body = f_msg(1, tensor(w))
            if m.bias is not None:
                body += f_msg(2, tensor(m.bias.detach().numpy()))
            body += f_packed(3, s) + f_packed(4, [p[0], p[1], p[0], p[1]]) + f_packed(5, d) + f_varint(6, m.groups)
            shape = [w.shape[0], OH, OW]
            add(name, CONV2D, shape, False, 11, body)
        elif isinstance(m, nn.Linear):
            body = f_msg(1, tensor(m.weight.detach().numpy()))
            if m.bias is not None:
                body += f_msg(2, tensor(m.bias.detach().numpy()))
            shape = [m.out_features]
            add(name, DENSE, shape, False, 12, body)
        elif isinstance(m, (nn.AvgPool2d, nn.MaxPool2d)):
            k = m.kernel_size if isinstance(m.kernel_size, tuple) else (m.kernel_size,) * 2
            s = m.stride if isinstance(m.stride, tuple) else (m.stride,) * 2
            p = m.padding if isinstance(m.padding, tuple) else (m.padding,) * 2
            C, H, W = shape
            shape = [C, (H + 2 * p[0] - k[0]) // s[0] + 1, (W + 2 * p[1] - k[1]) // s[1] + 1]
            avg = isinstance(m, nn.AvgPool2d)
            body = f_packed(1, k) + f_packed(2, s) + f_packed(3, [p[0], p[1], p[0], p[1]])
            if avg:
                body += f_varint(4, int(m.count_include_pad))
            add(name, AVG if avg else MAX, shape, (not avg) and prev_binary, 13, body)
        elif isinstance(m, nn.Flatten):
            shape = [int(np.prod(shape))]
            add(name, FLATTEN, shape, prev_binary)
        elif isinstance(m, (BNTT, StaticBN)):
            import torch
            C = shape[0]
            if isinstance(m, BNTT):
                a = (m.weight / torch.sqrt(m.running_var + m.eps)).detach().numpy()
                mean = m.running_mean.detach().numpy()
                beta = np.zeros_like(a)
            else:
                a = (m.weight / torch.sqrt(m.running_var + m.eps)).detach().numpy()[None]
                mean = m.running_mean.detach().numpy()[None]
                beta = m.bias.detach().numpy()[None]
            S = a.shape[0]
            one = np.ones((S, C), np.float32)
            add(name + ".center", AFFINE, shape, False, 14, f_msg(1, tensor(one)) + f_msg(2, tensor(-mean)))
            add(name, AFFINE, shape, False, 14, f_msg(1, tensor(a)) + f_msg(2, tensor(beta)))
        elif isinstance(m, RefLIF):
            C = shape[0]
            full = lambda v: np.full((T, C), v, np.float32)
            body = (f_varint(1, 0 if m.reset == "soft" else 1) + f_msg(2, tensor(full(m.threshold)))
                    + f_msg(3, tensor(full(m.leak))) + f_msg(4, tensor(full(0.0))) + f_msg(5, tensor(full(1.0))))
            add(name, LIF, shape, True, 15, body)
        elif isinstance(m, Readout):
            add(name, READOUT, shape)
        else:
            raise ValueError(f"modelbin_writer: layer {name} ({type(m).__name__}) not supported")

    out = f_str(1, producer) + f_str(2, source_name) + f_varint(4, T)
    out += f_varint(5, early_exit_step or T) + f_str(7, "none") + f_packed(8, model.input_shape)
    for name, kind, inputs, shp, binary, field, body in layers:
        lb = f_str(1, name) + f_varint(2, kind) + f_packed(3, inputs) + f_packed(4, shp) + f_varint(5, int(binary))
        if field:
            lb += f_msg(field, body)
        out += f_msg(9, lb)
    out += f_varint(10, len(layers) - 1)
    return frame(out)


def write(model, path, **kw):
    data = convert(model, **kw)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main(argv):
    from snncref.export import load_onnx
    src, dst = argv[0], argv[1]
    exit_step = int(argv[argv.index("--early-exit-step") + 1]) if "--early-exit-step" in argv else None
    write(load_onnx(src), dst, source_name=os.path.basename(src), early_exit_step=exit_step)


if __name__ == "__main__":
    main(sys.argv[1:])
