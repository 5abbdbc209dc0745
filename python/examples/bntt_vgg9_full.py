#!/usr/bin/env python3
"""The paper-size path, measured: a full-width VGG9 checkpoint in the official format through
convert_bntt, snnc and snnc-run.

No trained CIFAR-10 checkpoint ships with the repository (and nothing is downloaded), so the
weights are random (xavier, gain 2, as the official init) and the batch-norm statistics are set
from a batch of random images, step by step (as training would leave them), with gamma drawn so
that the layers fire about 10 % of the time. Steps:

  out/vgg9_bestmodel.pth.tar   torch.save({'global_step', 'state_dict', 'accuracy'}), as train.py
  out/model.onnx               python3 -m snncref.convert_bntt ... (timed)
  out/model.bin                snnc (timed; the target is < 2 s)
  out/x.npy                    raw uint8 images [N, 3, 32, 32]; snnc-run --full on them (timed)

and it checks snnc-run's predictions against the official forward (snncref.bntt_official) on the
same spike trains. usage (PYTHONPATH=python or pip install -e python):
  python3 python/examples/bntt_vgg9_full.py --out vgg9-full [--num-steps 25] [--samples 8]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

try:
    from snncref import encoder
    from snncref.bntt_official import OfficialVGG, randomize, save_checkpoint
    from snncref.convert_bntt import CIFAR_MEAN, CIFAR_STD
except ImportError:
    sys.exit("snncref is not importable: `pip install -e python` (in a virtualenv) or PYTHONPATH=python")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spikes(raw, T):
    x = encoder.normalize(raw.astype(np.float32) / np.float32(255.0), CIFAR_MEAN, CIFAR_STD)
    return torch.from_numpy(encoder.poisson_encode(x, np.arange(len(raw)), np.arange(T), T, 0, 2.0, 1))


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return dt, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="vgg9-full")
    ap.add_argument("--num-steps", type=int, default=25)
    ap.add_argument("--leak", type=float, default=0.99)
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build", "bin", "snnc-run"))
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    T, rng = a.num_steps, np.random.default_rng(0)

    t0 = time.perf_counter()
    model = randomize(OfficialVGG("vgg9", T, a.leak, 32, 10), seed=0, gamma=(0.35, 0.7))
    model(spikes(rng.integers(0, 256, (4, 3, 32, 32), dtype=np.uint8), T), calibrate=True)
    ckpt = os.path.join(a.out, "vgg9_bestmodel.pth.tar")
    save_checkpoint(model, ckpt)
    print(f"checkpoint {ckpt}: {os.path.getsize(ckpt) / 2**20:.1f} MiB, calibrated in {time.perf_counter() - t0:.0f} s")

    onnx_path, bin_path = os.path.join(a.out, "model.onnx"), os.path.join(a.out, "model.bin")
    dt, _ = timed([sys.executable, "-m", "snncref.convert_bntt", ckpt, "--arch", "vgg9", "--num-steps", str(T),
                   "--leak", str(a.leak), "--num-classes", "10", "-o", onnx_path])
    print(f"convert_bntt: {dt:.2f} s")
    dt, _ = timed([a.snnc, onnx_path, "-o", bin_path])
    print(f"snnc: {dt:.2f} s (model.bin {os.path.getsize(bin_path) / 2**20:.1f} MiB)")

    raw = rng.integers(0, 256, (a.samples, 3, 32, 32), dtype=np.uint8)
    x_path, j = os.path.join(a.out, "x.npy"), os.path.join(a.out, "run.json")
    np.save(x_path, raw)
    dt, out = timed([a.snnc_run, bin_path, "--input", x_path, "--full", "--threads", str(a.threads), "--json", j,
                     "--sample-spikes"])
    r = json.load(open(j))
    print(f"snnc-run: {dt:.2f} s for {a.samples} samples x {T} steps (including loading)")
    want, counts = model(spikes(raw, T))
    sizes = {f"lif{i + 1}": w * s * s for i, (w, s) in enumerate(
        zip([64, 64, 128, 128, 256, 256, 256], [32, 32, 16, 16, 8, 8, 8]))}
    sizes["lif_fc"] = 1024
    rates = {k: round(float(v.sum()) / (a.samples * T * sizes[k]), 3) for k, v in counts.items()}
    print(f"firing rate per layer (official forward): {rates}")
    agree = int((np.array(r["predictions"]) == want.numpy().argmax(1)).sum())
    diff = sum(int(np.abs(np.array(r["sample_spikes"][k]) - counts[k].numpy()).sum()) for k in counts)
    total = sum(int(v.sum()) for v in counts.values())
    print(f"snnc-run vs official forward: predictions {agree}/{a.samples} equal, spikes differ by {diff} of {total}")
    return 0 if agree == a.samples and diff <= 0.001 * total else 1


if __name__ == "__main__":
    sys.exit(main())
