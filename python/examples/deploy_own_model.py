#!/usr/bin/env python3
"""Deploy your own BNTT network: define it in PyTorch, train it, export it, compile it with snnc,
run it with snnc-run and check that the runtime predicts what PyTorch predicts.

This is the program that docs/tutorial.md walks through. It trains a small two-hidden-layer
network on scikit-learn's 8x8 digits (shipped by Debian's python3-sklearn; no download) in about a
minute on two cores, then:

  out/model.onnx     the network in the snnc ONNX profile (docs/onnx-profile.md)
  out/model.bin      compiled by snnc: BNTT folded into the LIF tables, early-exit step set
  out/summary.json   what snnc decided (steps, early exit, per-layer tables)
  out/x.npy, y.npy   the test set as snnc-run reads it
  out/run.json       snnc-run's results

usage: python3 python/examples/deploy_own_model.py [--out DIR] [--epochs N]
                   [--snnc build/bin/snnc] [--snnc-run build/bin/snnc-run] [--min-agreement 1.0]
Exit status 0 when the runtime's predictions agree with PyTorch's on at least --min-agreement of
the test samples, at the full T and at the early-exit step.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
try:
    import snncref  # noqa: F401
except ImportError:
    sys.exit("snncref is not importable: `pip install -e python` (in a virtualenv) "
             "or run with PYTHONPATH=python")

from snncref import data, golden  # noqa: E402
from snncref.export import export_onnx  # noqa: E402
from snncref.layers import BNTT, LIF, Readout  # noqa: E402
from snncref.models import SNN, run_reference  # noqa: E402
from snncref.train import make_optimizer, train_step  # noqa: E402

NUM_STEPS = 16


def build_network():
    """Step 1: the network, as an ordered list of named layers.

    The names become ONNX node names, then snnc's layer names: they appear in its diagnostics,
    in model.bin and in snnc-run's spike counts. Every spiking layer is Linear/Conv2d -> BNTT ->
    LIF; the last Linear feeds a Readout, which accumulates over the steps instead of spiking.
    """
    layers = [
        ("hidden1", nn.Linear(64, 96, bias=False)),
        ("norm1", BNTT(96, NUM_STEPS)),
        ("spikes1", LIF(leak=0.9)),
        ("hidden2", nn.Linear(96, 64, bias=False)),
        ("norm2", BNTT(64, NUM_STEPS)),
        ("spikes2", LIF(leak=0.9)),
        ("classes", nn.Linear(64, 10, bias=False)),
        ("readout", Readout()),
    ]
    # Poisson rate coding of the [0, 1] pixels (the encoder is part of the profile, so the
    # runtime draws exactly the spikes PyTorch draws for the same sample index and seed).
    encoder = {"kind": "poisson", "scale": 1.0, "signed": 1}
    model = SNN("digits-own", "digits", (64,), NUM_STEPS, layers, encoder,
                arch="fc(64->96)-BNTT-LIF-fc(96->64)-BNTT-LIF-fc(64->10)-readout")
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight, gain=2)
    return model


def train(model, epochs, log):
    """Step 2: surrogate-gradient training, BPTT over all steps.

    Weight decay on gamma (1e-2, as in the paper) is what makes the late steps' gamma fall, which
    gives snnc a static early-exit step.
    """
    x, y = data.load("digits", "train")
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    optimizer = make_optimizer(model, "sgd", lr=0.1, wd=5e-4, gamma_wd=1e-2)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    generator = torch.Generator().manual_seed(1)
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        correct = 0
        for b in range(0, len(x), 64):
            idx = order[b:b + 64]
            correct += train_step(model, optimizer, x[idx], y[idx], generator)[1]
        scheduler.step()
        log(f"epoch {epoch + 1}/{epochs}: train accuracy {correct / len(x):.3f}")
    model.eval()


def run(cmd, log):
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="own-model")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build", "bin", "snnc-run"))
    ap.add_argument("--min-agreement", type=float, default=1.0)
    a = ap.parse_args(argv)
    log = lambda s: print(s, flush=True)  # noqa: E731
    torch.manual_seed(0)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    os.makedirs(a.out, exist_ok=True)

    model = build_network()
    train(model, a.epochs, log)

    # Step 3: export. export_onnx writes the profile's custom ops (ai.snnc PoissonEncode, BNTT,
    # LIF, Readout) around the standard Gemm/Conv/pooling nodes and runs onnx.checker.
    onnx_path = os.path.join(a.out, "model.onnx")
    export_onnx(model, onnx_path)
    log(f"wrote {onnx_path}")

    # Step 4: compile. snnc imports the ONNX file, finds the early-exit step from the gammas,
    # folds every BNTT into its LIF's per-step tables and writes model.bin.
    bin_path = os.path.join(a.out, "model.bin")
    summary_path = os.path.join(a.out, "summary.json")
    run([a.snnc, onnx_path, "-o", bin_path], log)
    run([a.snnc, onnx_path, "--emit=summary", "-o", summary_path], log)
    summary = json.load(open(summary_path))
    T, t_exit = summary["num_steps"], summary["early_exit_step"]
    expected_exit = golden.early_exit_step(golden.gamma_mean(model), T)
    log(f"snnc: T = {T}, early exit after {t_exit} steps (the PyTorch side computes {expected_exit})")

    # Step 5: run the test set with the runtime, at T and at the early-exit step, and compare
    # with the PyTorch reference on the same encoded spikes (sample i uses Poisson stream i).
    x, y = data.load("digits", "test")
    np.save(os.path.join(a.out, "x.npy"), x)
    np.save(os.path.join(a.out, "y.npy"), y)
    reference = run_reference(model, x, np.arange(len(x)))["outputs"]  # [T, N, 10]
    ok = t_exit == expected_exit
    for label, steps_args, steps in (("T", ["--full"], T), ("T_exit", [], t_exit)):
        run_json = os.path.join(a.out, "run.json")
        run([a.snnc_run, bin_path, "--input", os.path.join(a.out, "x.npy"),
             "--labels", os.path.join(a.out, "y.npy"), "--json", run_json, "--quiet"] + steps_args, log)
        result = json.load(open(run_json))
        torch_pred = reference[steps - 1].argmax(-1)
        agreement = float(np.mean(np.asarray(result["predictions"]) == torch_pred))
        torch_acc = float(np.mean(torch_pred == y))
        log(f"{label} = {steps} steps: snnc-run accuracy {result['accuracy']:.4f}, PyTorch "
            f"{torch_acc:.4f}, predictions agree on {agreement:.2%} of {len(y)} samples, "
            f"{result['samples_per_second']:.0f} samples/s")
        ok = ok and agreement >= a.min_agreement
    log("OK" if ok else "MISMATCH: the runtime and PyTorch disagree more than --min-agreement allows")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
