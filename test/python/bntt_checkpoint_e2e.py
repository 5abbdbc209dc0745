#!/usr/bin/env python3
"""End to end: a checkpoint in the official BNTT format -> convert_bntt -> snnc -> snnc-run.

  bntt_checkpoint_e2e.py --snnc BIN --snnc-run BIN --work DIR

For VGG9 (img 16, T 4, leak 0.99) and VGG11 (img 32, T 5, leak 0.95) at reduced width: builds the
official architecture (snncref.bntt_official, same module names and state-dict keys) with random
weights, sets its batch-norm statistics from a batch (so that layers fire, about 5-15 %), saves it
as train.py does (torch.save({'global_step', 'state_dict', 'accuracy'})), converts it with
`python3 -m snncref.convert_bntt`, compiles with snnc, runs snnc-run --full on raw uint8 images
(VGG9: [N, 3, H, W]; VGG11: [N, H, W, 3] with --layout nhwc) and compares with the official
forward run on the same spike trains (raw / 255, CIFAR mean/std, encoder scale 2.0, seed 0):
predictions identical; spike counts per LIF, sample and step within the fidelity rule of
test/runtime/fidelity.py (0.001 of the total); logits within 1e-4 on every sample whose spikes are
identical. The snncref interpreter of the converted ONNX is checked the same way. Also: the same
channel-last file without --layout is refused (exit 1).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

from snncref import encoder
from snncref.bntt_official import OfficialVGG, randomize, save_checkpoint
from snncref.convert_bntt import CIFAR_MEAN, CIFAR_STD
from snncref.interp import Interpreter

CASES = [
    dict(arch="vgg9", img=16, T=4, leak=0.99, widths=[8, 8, 12, 12, 16, 16, 16], fc=32, K=10, layout="nchw"),
    dict(arch="vgg11", img=32, T=5, leak=0.95, widths=[6, 8, 12, 12, 16, 16, 16, 16], fc=48, K=7, layout="nhwc"),
]
N = 24
TOL = 0.001


def spikes_for(raw_u8, T):
    x = raw_u8.astype(np.float32) / np.float32(255.0)
    xn = encoder.normalize(x, CIFAR_MEAN, CIFAR_STD)
    return torch.from_numpy(encoder.poisson_encode(xn, np.arange(len(x)), np.arange(T), T, 0, 2.0, 1))


def compare(label, got_logits, got_spikes, want_logits, want_spikes):
    ok = True
    gp, wp = got_logits.argmax(1), want_logits.argmax(1)
    bad = np.nonzero(gp != wp)[0]
    print(f"{label}: predictions {N - len(bad)}/{N} equal to the official forward")
    ok &= len(bad) == 0
    flipped = np.zeros(N, bool)
    for name, want in want_spikes.items():
        got = np.asarray(got_spikes[name])
        diff, total = int(np.abs(got - want).sum()), int(want.sum())
        print(f"{label}: {name}: {total} spikes, |difference| {diff}")
        ok &= diff <= TOL * total and total > 0
        flipped |= (got != want).any(1)
    dl = np.abs(got_logits - want_logits).max(1)
    same = ~flipped
    worst = float(dl[same].max()) if same.any() else 0.0
    print(f"{label}: max |logit difference| {worst:.3g} on the {int(same.sum())} samples with identical spikes")
    return ok and worst <= 1e-4 and same.sum() >= N // 2


def run_case(c, a):
    work = os.path.join(a.work, c["arch"])
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    model = randomize(OfficialVGG(c["arch"], c["T"], c["leak"], c["img"], c["K"], c["widths"], c["fc"]),
                      seed=1, gamma=(0.4, 0.8))
    rng = np.random.default_rng(2)
    calib = rng.integers(0, 256, (32, 3, c["img"], c["img"]), dtype=np.uint8)
    model(spikes_for(calib, c["T"]), calibrate=True)
    ckpt = os.path.join(work, f"{c['arch']}_bestmodel.pth.tar")
    save_checkpoint(model, ckpt, global_step=123, accuracy=0.5)

    onnx_path, bin_path = os.path.join(work, "model.onnx"), os.path.join(work, "model.bin")
    steps = [[sys.executable, "-m", "snncref.convert_bntt", ckpt, "--arch", c["arch"], "--num-steps", str(c["T"]),
              "--leak", str(c["leak"]), "--num-classes", str(c["K"]), "--img-size", str(c["img"]), "-o", onnx_path],
             [a.snnc, onnx_path, "-o", bin_path]]
    for cmd in steps:
        p = subprocess.run(cmd, capture_output=True, text=True)
        print(p.stdout.strip())
        if p.returncode:
            print(f"FAIL: {' '.join(cmd)}\n{p.stderr}")
            return False

    raw = rng.integers(0, 256, (N, 3, c["img"], c["img"]), dtype=np.uint8)
    x_path = os.path.join(work, "x.npy")
    np.save(x_path, raw.transpose(0, 2, 3, 1).copy() if c["layout"] == "nhwc" else raw)
    out_json = os.path.join(work, "run.json")
    run = [a.snnc_run, bin_path, "--input", x_path, "--full", "--threads", "2", "--json", out_json, "--outputs",
           "--sample-spikes", "--quiet"] + (["--layout", "nhwc"] if c["layout"] == "nhwc" else [])
    p = subprocess.run(run, capture_output=True, text=True)
    if p.returncode:
        print(f"FAIL: {' '.join(run)}\n{p.stderr}")
        return False
    r = json.load(open(out_json))

    want_logits, want_counts = model(spikes_for(raw, c["T"]))
    want_logits = want_logits.numpy()
    want_spikes = {k: v.numpy() for k, v in want_counts.items()}
    rates = {k: round(float(v.sum()) / (N * c["T"]), 1) for k, v in want_spikes.items()}
    print(f"{c['arch']}: official forward, spikes per sample and step: {rates}")
    ok = compare(f"{c['arch']} snnc-run", np.array(r["outputs"], np.float32), r["sample_spikes"], want_logits,
                 want_spikes)
    ip = Interpreter(onnx_path).run(raw.astype(np.float32) / np.float32(255.0))
    ok &= compare(f"{c['arch']} snncref.interp", ip["logits"], ip["spikes"], want_logits, want_spikes)

    if c["layout"] == "nhwc":  # the same file without --layout must be refused
        p = subprocess.run(run[:-2], capture_output=True, text=True)
        refused = p.returncode == 1 and "--layout nhwc" in p.stderr
        print(f"{c['arch']}: channel-last input without --layout: exit {p.returncode}: {p.stderr.strip()}")
        ok &= refused
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--snnc-run", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    torch.set_num_threads(2)
    results = [run_case(c, a) for c in CASES]
    print("OK" if all(results) else "FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
