#!/usr/bin/env python3
"""Paper-size BNTT benchmark models, built deterministically and compiled with snnc.

Shared by the mapping studies (issue 19) and the runtime speed benchmark (issue 15). Every
model has random weights (xavier, gain 2, as the official BNTT init; torch seed fixed per model),
BNTT after every conv and hidden fc layer (no bias), LIF with leak 0.95, threshold 1 and soft
reset, a PoissonEncode input (scale 2, signed, CIFAR mean/std normalisation for images) and
T = 25 steps. The BNTT statistics are calibrated on synthetic inputs (uniform random images):
layer by layer, the running mean/var of every step are set to the batch's and the layer's gamma
is scaled by bisection until its LIF fires 10 % of its neurons per step (mean over the steps
before the exit step; the search looks at a fixed random subset of about 64k neurons per step,
the rates printed and stored in info.json are the whole layer's). From step `--exit-step` on gamma is set to 0.05 (mean gamma < 0.1, the
early-exit rule), so snnc finds a static exit below T.

  vgg9     CIFAR-10: conv3x3 3-64, 64-64, pool2, 64-128, 128-128, pool2, 128-256 x3, pool2,
           fc 4096-1024, fc 1024-10
  vgg11    CIFAR-100: conv3x3 3-64, pool2, 64-128, pool2, 128-256, 256-256, pool2, 256-512,
           512-512, pool2, 512-512, 512-512, pool2, fc 2048-4096, fc 4096-100
  mlp      784-1024-1024-10 (Fashion-MNIST-shaped input)
  vgg16-64 VGG16 convolutions at 64x64 (1.1 M neurons), fc 2048-1024-10; for the mapping scale benchmark
           only (not calibrated: gamma 1, statistics of the first batch; --calibrate forces it)

Writes OUT/NAME/{model.onnx, model.bin, info.json} and, unless --no-profile,
OUT/NAME/{x.npy, run.json} (snnc-run --full on --samples synthetic images). usage:
  PYTHONPATH=python /usr/bin/python3 bench/make_paper_models.py [--out bench/models]
      [--models vgg9,vgg11,mlp] [--samples 8] [--snnc build/bin/snnc] [--snnc-run build/bin/snnc-run]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn

try:
    from snncref.export import export_onnx
    from snncref.layers import BNTT, LIF, Readout
    from snncref.models import SNN, _xavier
except ImportError:
    sys.exit("snncref is not importable: run with PYTHONPATH=python")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)
T, LEAK, TARGET_RATE, LATE_GAMMA = 25, 0.95, 0.10, 0.05

# Plans: ints are conv3x3 widths, "M" an average pool 2x2; then the fc widths.
PLANS = {
    "vgg9": ([64, 64, "M", 128, 128, "M", 256, 256, 256, "M"], [1024], 10, (3, 32, 32)),
    "vgg11": ([64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"], [4096], 100, (3, 32, 32)),
    "mlp": ([], [1024, 1024], 10, (784,)),
    "vgg16-64": ([64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
                 [1024], 10, (3, 64, 64)),
}


def build(name):
    convs, fcs, classes, shape = PLANS[name]
    layers, c, side, k = [], shape[0], shape[-1], 0
    for v in convs:
        if v == "M":
            layers.append((f"pool{sum(1 for n, _ in layers if n.startswith('pool')) + 1}", nn.AvgPool2d(2)))
            side //= 2
            continue
        k += 1
        layers += [(f"conv{k}", nn.Conv2d(c, v, 3, padding=1, bias=False)), (f"bntt{k}", BNTT(v, T)),
                   (f"lif{k}", LIF(LEAK))]
        c = v
    prev = c * side * side if convs else shape[0]
    if convs:
        layers.append(("flatten", nn.Flatten(1)))
    for j, width in enumerate(fcs, 1):
        layers += [(f"fc{j}", nn.Linear(prev, width, bias=False)), (f"bntt_fc{j}", BNTT(width, T)),
                   (f"lif_fc{j}", LIF(LEAK))]
        prev = width
    layers += [(f"fc{len(fcs) + 1}", nn.Linear(prev, classes, bias=False)), ("readout", Readout())]
    enc = {"kind": "poisson", "scale": 2.0, "signed": 1}
    if len(shape) == 3:
        enc.update(mean=list(CIFAR_MEAN), std=list(CIFAR_STD))
    m = SNN(f"paper-{name}", "synthetic", shape, T, layers, enc, f"{name} (random weights, calibrated BNTT)")
    _xavier(m)
    return m.eval()


def lif_rate(current, lif, steps):
    """Mean firing rate over the first `steps` steps of `lif` driven by current [T, N, ...]."""
    return float(lif(current)[:steps].mean())


def search_sample(x, per_step=1 << 16):
    """The neurons the gamma search looks at: all channels of every sample, at a fixed random subset
    of the spatial positions (about `per_step` neurons per step): the rate is a mean over neurons,
    so the search converges to the same gamma at a fraction of the work of the whole tensor."""
    if x.dim() < 4:
        return x
    S, N, C = x.shape[:3]
    flat = x.reshape(S, N, C, -1)
    hw = flat.shape[-1]
    k = min(hw, max(1, -(-per_step // (N * C))))
    if k == hw:
        return x
    pick = torch.randperm(hw, generator=torch.Generator().manual_seed(0))[:k].sort().values
    return flat[..., pick]


@torch.no_grad()
def calibrate(model, spikes, exit_step, search=True):
    """Layer-major pass: per BNTT layer, per-step batch statistics and a gamma scale found by
    bisection (on search_sample's neurons) so that the following LIF fires TARGET_RATE per step
    before the exit step; the rates reported are those of the whole layer."""
    h, pending, rates = spikes, None, {}
    S, N = h.shape[:2]
    for name, m in model.layers.items():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.AvgPool2d, nn.Flatten)):
            h = m(h.reshape((S * N,) + tuple(h.shape[2:])))
            h = h.reshape((S, N) + tuple(h.shape[1:]))
        elif isinstance(m, BNTT):
            dims = [1] + list(range(3, h.dim()))
            m.running_mean.copy_(h.mean(dims))
            m.running_var.copy_(h.var(dims, unbiased=False))
            m.weight.fill_(1.0)
            pending = (m, h)
        elif isinstance(m, LIF):
            bn, x = pending
            xs = search_sample(x)
            lo, hi = 0.01, 20.0
            scale = 1.0
            for _ in range(18 if search else 0):
                scale = (lo * hi) ** 0.5
                bn.weight.fill_(scale)
                if lif_rate(bn(xs), m, exit_step) < TARGET_RATE:
                    lo = scale
                else:
                    hi = scale
            bn.weight.fill_(scale)
            bn.weight[exit_step:] = LATE_GAMMA
            # Per-step correction: early steps start from a zero membrane and fire less.
            for _ in range(12 if search else 0):
                r = m(bn(xs)).reshape(S, -1).mean(1)[:exit_step].clamp(min=1e-3)
                bn.weight[:exit_step] *= (TARGET_RATE / r).pow(0.7).unsqueeze(1)
            h = m(bn(x))
            rates[name] = [float(r) for r in h.reshape(S, -1).mean(1)]
            print(f"  {name}: gamma {float(bn.weight[:exit_step].mean()):.3f}, rate {np.mean(rates[name][:exit_step]):.3f} per step "
                  f"(steps < {exit_step}: {min(rates[name][:exit_step]):.3f}-{max(rates[name][:exit_step]):.3f})",
                  flush=True)
    return rates


def synthetic_inputs(model, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((n,) + model.input_shape, dtype=np.float32)
    return x, model.encode(x, np.arange(n))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p.stdout


def make(name, a):
    t0 = time.perf_counter()
    phases = {}

    def lap(phase):
        nonlocal t0
        now = time.perf_counter()
        phases[phase] = round(now - t0, 1)
        t0 = now

    out = os.path.join(a.out, name)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(sum(map(ord, name)))
    model = build(name)
    big = name == "vgg16-64"
    _, spikes = synthetic_inputs(model, 2 if big else a.calibration_samples, seed=1)
    print(f"{name}: {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters", flush=True)
    rates = calibrate(model, spikes, a.exit_step, search=a.calibrate or not big)
    lap("calibrate")
    onnx_path, bin_path = os.path.join(out, "model.onnx"), os.path.join(out, "model.bin")
    export_onnx(model, onnx_path)
    lap("export")
    if a.writer:  # no compiler at hand: the reference writer (BNTT unfolded, as CHANNEL_AFFINE)
        from snncref import modelbin as modelbin_writer
        modelbin_writer.write(model, bin_path, early_exit_step=a.exit_step)
        exit_step = a.exit_step
    else:
        run([a.snnc, onnx_path, "-o", bin_path])
        # The exit step snnc chose, from the model.bin header (snnc-run --dump prints no weights).
        dump = run([a.snnc_run, bin_path, "--dump"])
        exit_step = int(re.search(r"early_exit_step: (\d+)", dump).group(1))
    lap("compile")
    info = {"name": name, "num_steps": T, "early_exit_step": exit_step,
            "written_by": "snncref.modelbin (unfolded)" if a.writer else "snnc",
            "calibration_rates": rates, "seed": sum(map(ord, name))}
    if not a.no_profile and not big:
        x, _ = synthetic_inputs(model, a.samples, seed=2)
        np.save(os.path.join(out, "x.npy"), x)
        run([a.snnc_run, bin_path, "--input", os.path.join(out, "x.npy"), "--full", "--json",
             os.path.join(out, "run.json"), "--threads", str(a.threads)])
        lap("profile")
    info["seconds"] = phases
    with open(os.path.join(out, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(f"{name}: {bin_path} ({os.path.getsize(bin_path) / 2**20:.1f} MiB), T_exit "
          f"{info['early_exit_step']} of {T}, {sum(phases.values()):.1f} s "
          f"({', '.join(f'{k} {v} s' for k, v in phases.items())})", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "models"))
    ap.add_argument("--models", default="vgg9,vgg11,mlp")
    ap.add_argument("--samples", type=int, default=8, help="synthetic images for the run.json profile")
    ap.add_argument("--calibration-samples", type=int, default=8)
    ap.add_argument("--exit-step", type=int, default=20)
    ap.add_argument("--calibrate", action="store_true", help="calibrate vgg16-64 too (slow)")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build", "bin", "snnc-run"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--writer", action="store_true",
                    help="write model.bin with snncref.modelbin (BNTT unfolded) instead of compiling with snnc")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for name in a.models.split(","):
        if name not in PLANS:
            sys.exit(f"unknown model {name!r}; known: {', '.join(PLANS)}")
        make(name, a)


if __name__ == "__main__":
    main()
