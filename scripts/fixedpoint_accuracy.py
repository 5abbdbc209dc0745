#!/usr/bin/env python3
"""Accuracy of the shipped models quantised to Loihi's integers, against float32.

For every models/<name>/model.onnx: compiles the float model and `--quantize=loihi --weight-bits N`
for each N, runs all of them with snnc-run on the model's test set (Fashion-MNIST's 10000 t10k images
from Debian's dataset-fashion-mnist, or scikit-learn's digits test split, 360 samples), the default
number of steps (T_exit) and seed 0, and prints a markdown table (docs/fixed-point.md section 5).
With --threads-check the 8-bit runs are repeated with 1 thread and their outputs compared bit for
bit with the multi-threaded run.

  PYTHONPATH=python scripts/fixedpoint_accuracy.py [--build build] [--bits 8,6,4,2] [--threads 2]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

FMNIST = "/usr/share/datasets/fashion-mnist"


def dataset(info, work):
    if info["dataset"] == "digits":
        from snncref.data import load_digits
        x, y = load_digits("test")
        xi, yi = os.path.join(work, "digits-x.npy"), os.path.join(work, "digits-y.npy")
        np.save(xi, x)
        np.save(yi, y)
        return xi, yi
    return (os.path.join(FMNIST, "t10k-images-idx3-ubyte.gz"),
            os.path.join(FMNIST, "t10k-labels-idx1-ubyte.gz"))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr}")
    return p


def evaluate(build, model_bin, data, threads, out, outputs=False):
    cmd = [os.path.join(build, "bin", "snnc-run"), model_bin, "--input", data[0], "--labels",
           data[1], "--threads", str(threads), "--quiet", "--json", out]
    run(cmd + (["--outputs"] if outputs else []))
    return json.load(open(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--bits", default="8,6,4,2")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--threads-check", action="store_true")
    ap.add_argument("--models", default="")
    a = ap.parse_args()
    snnc = os.path.join(a.build, "bin", "snnc")
    bits = [int(b) for b in a.bits.split(",")]
    names = a.models.split(",") if a.models else sorted(os.listdir("models"))
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            info = json.load(open(os.path.join("models", name, "info.json")))
            data = dataset(info, work)
            onnx = os.path.join("models", name, "model.onnx")
            fbin = os.path.join(work, name + "-f32.bin")
            run([snnc, onnx, "-o", fbin])
            f = evaluate(a.build, fbin, data, a.threads, os.path.join(work, "f.json"))
            row = [name, f["samples"], f["steps"], 100 * f["accuracy"]]
            for n in bits:
                qbin = os.path.join(work, f"{name}-q{n}.bin")
                run([snnc, onnx, "--quantize=loihi", f"--weight-bits={n}", "-o", qbin])
                q = evaluate(a.build, qbin, data, a.threads, os.path.join(work, "q.json"),
                             outputs=a.threads_check and n == 8)
                row.append(100 * q["accuracy"])
                if a.threads_check and n == 8:
                    one = evaluate(a.build, qbin, data, 1, os.path.join(work, "q1.json"),
                                   outputs=True)
                    same = one["outputs"] == q["outputs"] and one["spikes"] == q["spikes"]
                    print(f"{name}: 8-bit outputs with 1 and {a.threads} threads "
                          f"{'bit-identical' if same else 'DIFFER'}", flush=True)
            rows.append(row)
            print(row, flush=True)
    head = "| model | samples | steps | float32 | " + " | ".join(f"{n}-bit" for n in bits) + " |"
    print(head)
    print("|" + " --- |" * (4 + len(bits)))
    for r in rows:
        cells = [r[0], str(r[1]), str(r[2]), f"{r[3]:.2f} %"]
        cells += [f"{v:.2f} % ({v - r[3]:+.2f})" for v in r[4:]]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
