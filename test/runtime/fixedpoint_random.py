#!/usr/bin/env python3
"""Random integer (Loihi) networks: snnc-run equals the numpy reference bit for bit.

Writes random integer model.bin files (dense and conv architectures with every integer feature:
1..8-bit weights, negative and positive weight_exp, output biases, average pools (window sums)
and max pools with pads, grouped/strided/dilated convs, per-step LIF tables with negative dv,
du < 4096 so that the current accumulates and wraps, large biases so that the voltage saturates,
soft/hard/none resets, input signs -1/0/1) with the protoc-generated schema code, runs each with
snnc-run (1 and 3 threads; 3 threads on batches of 1 and 2, where the threads of a sample split
its layers; each kernel ISA, SNNC_KERNELS=baseline|avx2|avx512, where the CPU has it; and the CUDA
backend's host emulation, --backend=cuda-emu, when this snnc-run has it)
and with python/snncref/fixedpoint.py, and requires identical outputs (float32 bits), predictions,
per-sample spike counts and synaptic event counts. The models are framed as format version 5
by this script; snnc-run validates them with the runtime's rules.

  fixedpoint_random.py SNNC_RUN WORK_DIR [--models N] [--seed S]
"""
import argparse
import json
import os
import subprocess
import sys
import zlib
import struct

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from snncref import fixedpoint as fx  # noqa: E402
from snncref.modelbin import HEADER_SIZE, MAGIC, _generated, window_output_size  # noqa: E402

pb = _generated()
L = pb.Layer


def ints(t, shape, values, dtype):
    t.Clear()
    t.shape.extend(int(d) for d in shape)
    t.dtype = dtype
    width = {pb.Tensor.I8: "i1", pb.Tensor.I16: "<i2", pb.Tensor.I32: "<i4"}[dtype]
    t.data = np.asarray(values, dtype=np.int64).astype(width).tobytes()


class Gen:
    def __init__(self, rng, shape, T):
        self.rng, self.m = rng, pb.Model()
        self.m.producer = "fixedpoint_random.py"
        self.m.num_steps = T
        self.m.early_exit_step = int(rng.integers(1, T + 1))
        self.m.input_shape.extend(shape)
        self.m.quantization = "loihi"
        self.bits = int(rng.integers(1, 9))
        self.m.weight_bits = self.bits
        self.m.output_scale = float(np.float32(rng.uniform(0.01, 2)))
        self.shapes, self.bounds = [], []
        # Stress models push the 24-bit state: large exponents, current that accumulates (small
        # du) until it wraps, biases that saturate the voltage.
        self.stress = bool(rng.random() < 0.4)

    def add(self, kind, inputs, shape, binary=False, bound=1):
        pl = self.m.layers.add()
        pl.name = f"l{len(self.m.layers) - 1}"
        pl.kind = kind
        pl.inputs.extend(inputs)
        pl.shape.extend(int(d) for d in shape)
        pl.binary = binary
        self.shapes.append(list(shape))
        self.bounds.append(bound)
        return pl

    def weights(self, n):
        q = 1 if self.bits == 1 else (1 << (self.bits - 1)) - 1
        if self.bits == 1:
            w = self.rng.choice([-1, 1], size=n)
        else:
            w = self.rng.integers(-q, q + 1, size=n)
        return np.abs(w) if self.stress else w  # stress: inputs add up

    def exp_for(self, fan_in, w, in_bound, bias=0):
        e = 7 if self.stress else int(self.rng.integers(-4, 8))
        mw = int(np.abs(w).max()) if w.size else 0
        while e > -8 and fan_in * mw * in_bound * 2 ** max(e, 0) + bias >= 2 ** 31:
            e -= 1
        return e

    def synaptic(self, kind, i, out_shape, wshape, fan_in, params_of, out_bias=False):
        w = self.weights(int(np.prod(wshape)))
        bias = self.rng.integers(-1000, 1000, size=wshape[0]) if out_bias else None
        e = self.exp_for(fan_in, w, self.bounds[i], 1000 if out_bias else 0)
        mw = int(np.abs(w).max())
        bound = fan_in * mw * self.bounds[i] * 2 ** max(e, 0) + (1000 if out_bias else 0)
        pl = self.add(kind, [i], out_shape, bound=bound)
        p = params_of(pl)
        ints(p.weight, wshape, w, pb.Tensor.I8)
        p.weight.bits = self.bits
        p.weight_exp = e
        if out_bias:
            ints(p.bias, [wshape[0]], bias, pb.Tensor.I32)
        return len(self.m.layers) - 1, p

    def dense(self, i, out, out_bias=False):
        nin = int(np.prod(self.shapes[i]))
        return self.synaptic(L.DENSE, i, [out], [out, nin], nin, lambda pl: pl.dense, out_bias)[0]

    def conv(self, i, O):
        C, H, W = self.shapes[i]
        r = self.rng
        g = int(r.choice([g for g in (1, 2) if C % g == 0 and O % g == 0]))
        kh, kw = int(r.integers(1, 4)), int(r.integers(1, 4))
        sh, sw = int(r.integers(1, 3)), int(r.integers(1, 3))
        dh, dw = int(r.integers(1, 3)), int(r.integers(1, 3))
        pads = [int(r.integers(0, 2)) for _ in range(4)]
        oh = window_output_size(H, kh, sh, pads[0], pads[2], dh)
        ow = window_output_size(W, kw, sw, pads[1], pads[3], dw)
        if oh < 1 or ow < 1:
            kh = kw = dh = dw = 1
            oh = window_output_size(H, 1, sh, pads[0], pads[2])
            ow = window_output_size(W, 1, sw, pads[1], pads[3])
        idx, c = self.synaptic(L.CONV2D, i, [O, oh, ow], [O, C // g, kh, kw],
                               C // g * kh * kw, lambda pl: pl.conv2d)
        c.strides.extend([sh, sw])
        c.pads.extend(pads)
        c.dilations.extend([dh, dw])
        c.groups = g
        return idx

    def lif(self, i):
        r, T = self.rng, self.m.num_steps
        C = self.shapes[i][0]
        pl = self.add(L.LIF, [i], self.shapes[i], binary=True)
        f = pl.lif
        f.reset = int(r.choice([0, 1, 3]))
        f.du = int(r.choice([4096, 4096, int(r.integers(0, 4097))]))
        n = (T, C)
        ints(f.dv, n, r.integers(-600, 4097, size=n), pb.Tensor.I16)
        # Thresholds around the typical input magnitude so that neurons fire.
        typical = max(1, int(np.sqrt(self.bounds[i])))
        ints(f.vth, n, np.clip(r.integers(0, 4 * typical + 2, size=n), 0, 131071), pb.Tensor.I32)
        ints(f.bias_mant, n, r.integers(-4096, 4096, size=n) // int(r.choice([1, 64])),
             pb.Tensor.I16)
        ints(f.bias_exp, n, r.integers(0, 8, size=n), pb.Tensor.I16)
        ints(f.sign, n, r.choice([-1, 0, 1, 1, 1], size=n), pb.Tensor.I16)
        ints(f.in_exp, n, np.where(r.random(n) < 0.5, 0, r.integers(-24, 9, size=n)),
             pb.Tensor.I16)
        if self.stress:
            f.du = int(r.integers(0, 17))
            big = r.random(n) < 0.3
            ints(f.bias_mant, n, np.where(big, r.choice([-4095, 4095], size=n), 0), pb.Tensor.I16)
            ints(f.bias_exp, n, np.where(big, 7, 0), pb.Tensor.I16)
            ints(f.vth, n, np.where(r.random(n) < 0.5, 131071, r.integers(0, 1000, size=n)),
                 pb.Tensor.I32)
            ints(f.dv, n, r.choice([0, 1, 4096, -4096], size=n), pb.Tensor.I16)
            ints(f.sign, n, np.ones(n), pb.Tensor.I16)
            ints(f.in_exp, n, r.integers(0, 9, size=n), pb.Tensor.I16)
        f.unit = 0.001
        return len(self.m.layers) - 1

    def pool(self, i, avg):
        C, H, W = self.shapes[i]
        k = min(int(self.rng.integers(1, 3)), H, W)
        pads = [0] * 4 if avg else [int(self.rng.integers(0, k)) for _ in range(4)]
        oh = window_output_size(H, k, k, pads[0], pads[2])
        ow = window_output_size(W, k, k, pads[1], pads[3])
        pl = self.add(L.AVG_POOL2D if avg else L.MAX_POOL2D, [i], [C, oh, ow],
                      binary=(not avg) and self.m.layers[i].binary,
                      bound=self.bounds[i] * (k * k if avg else 1))
        pl.pool.kernel.extend([k, k])
        pl.pool.strides.extend([k, k])
        pl.pool.pads.extend(pads)
        return len(self.m.layers) - 1

    def flatten(self, i):
        self.add(L.FLATTEN, [i], [int(np.prod(self.shapes[i]))], binary=self.m.layers[i].binary,
                 bound=self.bounds[i])
        return len(self.m.layers) - 1

    def finish(self, i):
        self.add(L.READOUT, [i], self.shapes[i], bound=0)
        self.m.output_layer = len(self.m.layers) - 1


def random_model(rng):
    T = int(rng.integers(1, 13))
    if rng.random() < 0.5:
        D = int(rng.integers(1, 24))
        g = Gen(rng, [D], T)
        x = encode(g)
        for _ in range(int(rng.integers(1, 3))):
            x = g.lif(g.dense(x, int(rng.integers(1, 20))))
    else:
        g = Gen(rng, [int(rng.integers(1, 3)), int(rng.integers(4, 9)), int(rng.integers(4, 9))], T)
        x = encode(g)
        x = g.lif(g.conv(x, int(rng.choice([2, 4]))))
        x = g.pool(x, avg=bool(rng.random() < 0.5))
        if rng.random() < 0.5:
            x = g.lif(g.conv(x, 2))
        x = g.flatten(x)
    g.finish(g.dense(x, int(rng.integers(2, 6)), out_bias=True))
    return g.m


def encode(g):
    pl = g.add(L.ENCODE, [], list(g.m.input_shape), binary=True)
    pl.encoder.kind = pb.Encoder.POISSON
    pl.encoder.scale = 1.0
    pl.encoder.signed = bool(g.rng.random() < 0.7) and not g.stress
    return 0


def write(m, path):
    payload = m.SerializeToString()
    crc = zlib.crc32(payload) & 0xFFFFFFFF
    with open(path, "wb") as f:
        f.write(MAGIC + struct.pack("<IIQII", 5, HEADER_SIZE, len(payload), crc, 0) + payload)


def run_snnc(snnc_run, model, inputs, extra, out):
    env = dict(os.environ)
    if extra and extra[0].startswith("SNNC_KERNELS="):
        env["SNNC_KERNELS"] = extra[0].split("=", 1)[1]
        extra = extra[1:]
    cmd = [snnc_run, model, "--input", inputs, "--full", "--outputs",
           "--sample-spikes", "--quiet", "--json", out] + extra
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr}")
    return json.load(open(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("snnc_run")
    ap.add_argument("work")
    ap.add_argument("--models", type=int, default=40)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    fired = 0
    features = {"wrap": 0, "saturate": 0}
    wrap0, sat0 = fx.wrap24, fx.sat24

    def wrap(x):  # count the reference's wraps and saturations: the test must reach them
        features["wrap"] += int(((x < -2 ** 23) | (x >= 2 ** 23)).sum())
        return wrap0(x)

    def sat(x):
        features["saturate"] += int((np.abs(x) >= 2 ** 23).sum())
        return sat0(x)

    fx.wrap24, fx.sat24 = wrap, sat
    runs = [["--threads", "1"], ["--threads", "3"], ["--threads", "3", "--batch", "1"],
            ["--threads", "3", "--batch", "2"]]
    version = subprocess.run([a.snnc_run, "--version"], capture_output=True, text=True).stdout
    if "backend cuda-emu" in version:
        runs.append(["--backend=cuda-emu"])
    # Every kernel ISA this CPU has (SNNC_KERNELS caps the choice; the integer kernels follow the
    # float kernels' dispatch, reported as "kernels" in the JSON).
    isas = []
    for isa in ("baseline", "avx2", "avx512"):
        probe = subprocess.run([a.snnc_run, "--version"], capture_output=True, text=True,
                               env=dict(os.environ, SNNC_KERNELS=isa)).stdout
        if f"CPU kernels: {isa}" in probe:
            isas.append(isa)
            runs.append([f"SNNC_KERNELS={isa}", "--threads", "1"])
    if "baseline" not in isas:
        raise SystemExit("FAIL: SNNC_KERNELS=baseline was not honoured")
    for k in range(a.models):
        m = random_model(rng)
        path = os.path.join(a.work, f"m{k}.bin")
        write(m, path)
        n = 12
        x = rng.uniform(-1, 1, size=(n,) + tuple(m.input_shape)).astype(np.float32)
        x[rng.random(x.shape) < 0.3] = 0
        xin = os.path.join(a.work, f"x{k}.npy")
        np.save(xin, x)
        out, pred, spikes = fx.run(fx.read(path), x, steps=m.num_steps, seed=0)
        events = None
        for extra in runs:
            how = " ".join(extra)
            j = run_snnc(a.snnc_run, path, xin, extra, os.path.join(a.work, f"r{k}.json"))
            got = np.asarray(j["outputs"], dtype=np.float64)
            if events is not None and j["synaptic_events"] != events:
                raise SystemExit(f"FAIL model {k} {how}: synaptic events differ")
            events = j["synaptic_events"]
            if not np.array_equal(got, out.astype(np.float64)):
                raise SystemExit(f"FAIL model {k} {how}: outputs differ\n"
                                 f"snnc-run {got.tolist()}\nreference {out.tolist()}")
            if j["predictions"] != pred.tolist():
                raise SystemExit(f"FAIL model {k} {how}: predictions differ")
            for name, s in spikes.items():
                if j["sample_spikes"][name] != s.tolist():
                    raise SystemExit(f"FAIL model {k} {how} layer {name}: spike counts differ\n"
                                     f"snnc-run {j['sample_spikes'][name]}\nreference {s.tolist()}")
                fired += int(s.sum()) if extra is runs[0] else 0
    if fired == 0 or not all(features.values()):
        raise SystemExit(f"FAIL: the random models never reached some rule (spikes {fired}, "
                         f"{features}): the test would be vacuous")
    print(f"ok: {a.models} random integer models, {fired} spikes, {features['wrap']} current "
          f"wraps, {features['saturate']} voltage saturations, snnc-run == reference for "
          + "; ".join(" ".join(r) for r in runs))


if __name__ == "__main__":
    main()
