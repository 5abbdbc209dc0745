"""numpy reference of snnc's integer (Loihi) semantics, docs/fixed-point.md section 2.

Independent of the C++ runtime: it reads an integer model.bin with the protoc-generated schema
code (snncref.modelbin._generated) and runs it on a batch with numpy int64 arithmetic, in the
logical layout [N, C, H, W]. The ctest `fixedpoint-random` (test/runtime/fixedpoint_random.py) writes random integer
networks, runs them through snnc-run and this module, and requires equal outputs,
predictions and spike counts, bit for bit.

  python3 -m snncref.fixedpoint MODEL.bin INPUTS.npy [--steps N] [--seed S]
"""
import struct
import sys
import zlib

import numpy as np

from . import encoder
from .modelbin import HEADER_SIZE, MAGIC, _generated, window_output_size

U24 = 1 << 24
HALF = 1 << 23
VMAX = HALF - 1


def wrap24(x):
    """Two's complement 24-bit wrap: [-2^23, 2^23 - 1]."""
    return ((x + HALF) % U24) - HALF


def sat24(x):
    """Lava's voltage clip: [-(2^23 - 1), 2^23 - 1]."""
    return np.clip(x, -VMAX, VMAX)


def decay(x, d):
    """x * (4096 - d) >> 12, rounded toward zero (Lava: sign(p) * (|p| >> 12))."""
    p = np.asarray(x, dtype=np.int64) * (4096 - np.asarray(d, dtype=np.int64))
    return np.sign(p) * (np.abs(p) >> 12)


def shift(a, e):
    """a << e for e >= 0, arithmetic (floor) right shift by -e otherwise."""
    return a << e if e >= 0 else a >> (-e)


def read(path):
    """The Model message of a model.bin (framing checked, not the rules)."""
    data = open(path, "rb").read()
    assert data[:8] == MAGIC, "not a model.bin"
    version, header, size, crc, _ = struct.unpack("<IIQII", data[8:HEADER_SIZE])
    payload = data[HEADER_SIZE:]
    assert header == HEADER_SIZE and size == len(payload) and zlib.crc32(payload) == crc
    m = _generated().Model()
    m.ParseFromString(payload)
    return m


_DT = {0: "<f4", 1: "i1", 2: "<i2", 3: "<i4"}


def tensor(t):
    return np.frombuffer(t.data, dtype=_DT[t.dtype]).reshape(tuple(t.shape)).astype(np.int64)


def _windows(x, kh, kw, sh, sw, dh, dw):
    """[N, C, OH, OW, kh, kw] views of a padded [N, C, H, W] array."""
    N, C, H, W = x.shape
    oh = (H - dh * (kh - 1) - 1) // sh + 1
    ow = (W - dw * (kw - 1) - 1) // sw + 1
    out = np.empty((N, C, oh, ow, kh, kw), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            out[..., a, b] = x[:, :, a * dh:a * dh + sh * (oh - 1) + 1:sh,
                               b * dw:b * dw + sw * (ow - 1) + 1:sw]
    return out


def _pads(p):
    return list(p.pads) if len(p.pads) else [0, 0, 0, 0]


def _pair(v):
    return list(v) if len(v) else [1, 1]


def conv(x, c):
    w = tensor(c.weight)
    O, Ig, kh, kw = w.shape
    t, l, b, r = _pads(c)
    sh, sw = _pair(c.strides)
    dh, dw = _pair(c.dilations)
    g = c.groups or 1
    xp = np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)))
    win = _windows(xp, kh, kw, sh, sw, dh, dw)  # [N, C, OH, OW, kh, kw]
    Og = O // g
    outs = []
    for gi in range(g):
        xs = win[:, gi * Ig:(gi + 1) * Ig]
        ws = w[gi * Og:(gi + 1) * Og]
        outs.append(np.einsum("nchwab,ocab->nohw", xs, ws))
    acc = np.concatenate(outs, axis=1)
    y = shift(acc, c.weight_exp)
    if len(c.bias.shape):
        y = y + tensor(c.bias).reshape(1, -1, 1, 1)
    return y


def dense(x, d):
    w = tensor(d.weight)
    y = shift(x.reshape(x.shape[0], -1) @ w.T, d.weight_exp)
    if len(d.bias.shape):
        y = y + tensor(d.bias).reshape(1, -1)
    return y


def pool(x, p, kind):
    kh, kw = list(p.kernel)
    sh, sw = _pair(p.strides)
    t, l, b, r = _pads(p)
    if kind == "max":
        lo = np.iinfo(np.int64).min
        xp = np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), constant_values=lo)
        return _windows(xp, kh, kw, sh, sw, 1, 1).max(axis=(4, 5))
    xp = np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)))
    return _windows(xp, kh, kw, sh, sw, 1, 1).sum(axis=(4, 5))


class IntLIF:
    """Loihi's 24-bit neuron with per-step tables (docs/fixed-point.md section 2)."""

    def __init__(self, f, shape, n):
        self.f = f
        self.du = f.du
        self.dv, self.vth = tensor(f.dv), tensor(f.vth)
        self.bias = tensor(f.bias_mant) << tensor(f.bias_exp)
        self.sign = tensor(f.sign)
        self.in_shift = 6 + tensor(f.in_exp)
        self.u = np.zeros((n,) + tuple(shape), dtype=np.int64)
        self.v = np.zeros_like(self.u)
        self.cshape = (1, -1) + (1,) * (len(shape) - 1)

    def step(self, t, y):
        row = lambda table: table[t].reshape(self.cshape)
        a, s = row(self.sign) * y, row(self.in_shift)
        a = np.where(s >= 0, a << np.maximum(s, 0), a >> np.maximum(-s, 0))
        self.u = wrap24(decay(self.u, self.du) + a)
        self.v = sat24(decay(self.v, row(self.dv)) + self.u + row(self.bias))
        th = row(self.vth) << 6
        s = self.v > th
        if self.f.reset == 0:  # SOFT
            self.v = np.where(s, self.v - th, self.v)
        elif self.f.reset == 1:  # HARD
            self.v = np.where(s, 0, self.v)
        return s.astype(np.int64)


def run(m, x, steps=None, seed=0, first_index=0):
    """Runs the integer model m on x [N, *input_shape] (float32).

    Returns (outputs float32 [N, K], predictions [N], {lif name: spikes [N, steps]}).
    """
    assert m.quantization == "loihi", "not an integer model"
    pb = _generated()
    L = pb.Layer
    steps = steps or m.early_exit_step
    x = np.asarray(x, dtype=np.float32)
    n = x.shape[0]
    D = int(np.prod(m.input_shape))
    lifs, spikes, acc = {}, {}, None
    for i, pl in enumerate(m.layers):
        if pl.kind == L.LIF:
            lifs[i] = IntLIF(pl.lif, pl.shape, n)
            spikes[pl.name] = np.zeros((n, steps), dtype=np.int64)
    idx = np.arange(first_index, first_index + n)
    for t in range(steps):
        out = {}
        for i, pl in enumerate(m.layers):
            a = out[pl.inputs[0]] if len(pl.inputs) else None
            if pl.kind == L.ENCODE:
                e = pl.encoder
                xs = encoder.normalize(x.reshape(n, D), list(e.mean) or None,
                                       list(e.std) or None) if len(e.mean) else x.reshape(n, D)
                s = encoder.poisson_encode(xs, idx, t, m.num_steps, seed=seed, scale=e.scale,
                                           signed=int(e.signed))
                y = np.asarray(s).astype(np.int64).reshape((n,) + tuple(pl.shape))
            elif pl.kind == L.CONV2D:
                y = conv(a, pl.conv2d)
            elif pl.kind == L.DENSE:
                y = dense(a, pl.dense)
            elif pl.kind == L.AVG_POOL2D:
                y = pool(a, pl.pool, "avg")
            elif pl.kind == L.MAX_POOL2D:
                y = pool(a, pl.pool, "max")
            elif pl.kind == L.FLATTEN:
                y = a.reshape(n, -1)
            elif pl.kind == L.LIF:
                y = lifs[i].step(t, a)
                spikes[pl.name][:, t] = y.reshape(n, -1).sum(axis=1)
            elif pl.kind == L.READOUT:
                acc = a.copy() if acc is None else acc + a
                y = acc
            else:
                raise ValueError(f"layer {pl.name}: kind {pl.kind} has no integer semantics")
            out[i] = y
    outputs = (acc.astype(np.float64) * np.float64(np.float32(m.output_scale)) / steps)
    outputs = outputs.astype(np.float32).reshape(n, -1)
    return outputs, np.argmax(outputs, axis=1), spikes


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    out, pred, spikes = run(read(a.model), np.load(a.inputs), a.steps, a.seed)
    print("predictions", pred.tolist())
    for k, v in spikes.items():
        print(k, v.sum(axis=0).tolist())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
