#!/usr/bin/env python3
"""Benchmark: snnc-run event-driven vs snnc-run dense vs PyTorch CPU on the shipped conv model.

usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/run_bench.py --snnc-run build-rt/bin/snnc-run
           [--snnc build/bin/snnc] [--model models/fmnist-bntt-conv/model.onnx] [--samples 256]

Same weights and the same Fashion-MNIST test images for all three. Configurations: T and T_exit
steps, batch 1 and batch 64.
  - snnc-run: wall time of the run itself (--json wall_seconds: encoding included, loading
    excluded). Batch 1 = one sample at a time (--batch 1) on --batch1-threads threads (default 1;
    with 2, the threads split each layer of the sample); batch 64 = samples over 2 threads.
  - PyTorch (python3-torch, 2 threads, OpenBLAS): the fastest honest form: eval mode, no_grad, the
    synaptic layers of all steps batched into one call per layer ([S*B, ...]), the LIF/readout
    recurrences per step; the Poisson spikes are precomputed OUTSIDE the timed region (PyTorch
    gets its encoding for free). Batch 1 and batch 64 as given.
If the model file does not exist, the shipped architecture (snncref conv_net) is built with
random weights and BNTT statistics calibrated on 512 training images (stated in the output).
Prints samples/s, ratios and synaptic events per second.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# PyTorch's best form on this machine: jemalloc removes the page-fault storms of its large
# per-call activations (docs: toolchain notes). Re-exec once with it preloaded when present.
_JE = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
if os.path.exists(_JE) and "jemalloc" not in os.environ.get("LD_PRELOAD", ""):
    os.environ["LD_PRELOAD"] = _JE
    os.environ.setdefault("MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1")
    os.execv(sys.executable, [sys.executable] + sys.argv)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
try:
    import snncref  # noqa: F401
except ImportError:
    sys.exit("snncref is not importable: `pip install -e python` (in a virtualenv) "
             "or run with PYTHONPATH=python")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from snncref import data, models  # noqa: E402
from snncref.export import export_onnx, load_onnx  # noqa: E402
from snncref.layers import BNTT  # noqa: E402
from snncref import modelbin as modelbin_writer  # noqa: E402


def get_model(path, work):
    if path and os.path.exists(path):
        info_path = os.path.join(os.path.dirname(path), "info.json")
        info = json.load(open(info_path)) if os.path.exists(info_path) else {}
        m = load_onnx(path)
        return m, path, int(info.get("early_exit_step", m.num_steps)), "trained (" + path + ")"
    m = models.build("fmnist-bntt-conv")
    x, _ = data.load("fashion-mnist", "train")
    xb = x[:512]
    m.train()
    for mod in m.modules():
        if isinstance(mod, BNTT):
            mod.momentum = 1.0  # running stats := this batch's stats
    with torch.no_grad():
        m(m.encode(xb, np.arange(len(xb))))
    m.eval()
    onnx_path = os.path.join(work, "conv-untrained.onnx")
    export_onnx(m, onnx_path, (1, 28, 28), m.num_steps)
    return m, onnx_path, 12, "UNTRAINED stand-in (random weights, BNTT stats calibrated on 512 images; T_exit set to 12)"


def torch_rate(model, x, steps, batch, reps_time=3.0, cpu=None):
    """Samples/s of the time-batched PyTorch forward; encoding precomputed. With a list `cpu`,
    appends the process CPU seconds per sample of the timed loop (all threads)."""
    n = len(x)
    enc = [model.encode(x[b:b + batch], np.arange(b, min(b + batch, n)), steps) for b in range(0, n, batch)]
    preds = []
    with torch.no_grad():
        model(enc[0])  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        done = 0
        while True:
            for e in enc:
                out = model(e)
                if len(preds) < n:
                    preds.extend(out[-1].argmax(1).tolist())
                done += e.shape[1]
            if time.perf_counter() - t0 > reps_time:
                break
        dt = time.perf_counter() - t0
        if cpu is not None:
            cpu.append((time.process_time() - c0) / done)
    return done / dt, preds[:n]


def runtime_rate(run_bin, model_bin, xfile, n, steps, mode, threads, work, batch=0):
    j = os.path.join(work, "r.json")
    args = [run_bin, model_bin, "--input", xfile, "--limit", str(n), "--steps", str(steps), "--mode", mode,
            "--threads", str(threads), "--json", j, "--quiet"] + (["--batch", str(batch)] if batch else [])
    best = None
    for _ in range(3):
        subprocess.run(args, check=True, capture_output=True)
        r = json.load(open(j))
        if best is None or r["wall_seconds"] < best["wall_seconds"]:
            best = r
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build-rt", "bin", "snnc-run"))
    ap.add_argument("--snnc", default=None)
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "fmnist-bntt-conv", "model.onnx"))
    ap.add_argument("--samples", type=int, default=256)
    ap.add_argument("--batch1-threads", type=int, default=1,
                    help="snnc-run threads at batch 1 (they split each sample's layers)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    work = tempfile.mkdtemp(prefix="snnc-bench-")
    model, onnx_path, t_exit, what = get_model(a.model, work)
    model.eval()
    T = model.num_steps
    model_bin = os.path.join(work, "model.bin")
    if a.snnc and os.path.exists(a.snnc):
        subprocess.run([a.snnc, onnx_path, "-o", model_bin], check=True)
        how = "compiled with " + a.snnc
    else:
        modelbin_writer.write(model, model_bin, early_exit_step=t_exit)
        how = "written by snncref.modelbin (unfolded: BNTT as CHANNEL_AFFINE)"
    x, y = data.load("fashion-mnist", "test")
    x = np.ascontiguousarray(x[:a.samples])
    xfile = os.path.join(work, "x.npy")
    np.save(xfile, x)
    print(f"allocator: {os.environ.get('LD_PRELOAD') or 'glibc'}")
    print(f"model: {what}\nmodel.bin: {how}\nT = {T}, T_exit = {t_exit}, {a.samples} Fashion-MNIST test images, "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads), {os.cpu_count()} CPUs\n")
    hdr = f"{'steps':>8} {'batch':>5} | {'event/s':>9} {'dense/s':>9} {'torch/s':>9} | {'ev/torch':>8} {'ev/dense':>8} | {'syn.ev/s':>9} {'spk/sample':>10} | agree"
    print(hdr)
    print("-" * len(hdr))
    for steps, label in ((T, "T"), (t_exit, "T_exit")):
        for batch in (1, 64):
            threads = a.batch1_threads if batch == 1 else 2
            ev = runtime_rate(a.snnc_run, model_bin, xfile, a.samples, steps, "event", threads, work, batch)
            de = runtime_rate(a.snnc_run, model_bin, xfile, a.samples, steps, "dense", threads, work, batch)
            tr, tpred = torch_rate(model, x, steps, batch)
            evr = ev["samples_per_second"]
            der = de["samples_per_second"]
            syn = sum(ev["synaptic_events"].values()) / ev["wall_seconds"]
            spk = sum(sum(v) for v in ev["spikes"].values()) / a.samples
            agree = sum(int(p == q) for p, q in zip(ev["predictions"], tpred))
            print(f"{label + '=' + str(steps):>8} {batch:>5} | {evr:9.0f} {der:9.0f} {tr:9.0f} | {evr / tr:8.2f} "
                  f"{evr / der:8.2f} | {syn:9.3g} {spk:10.0f} | {agree}/{a.samples}")
    print("\nevent/s, dense/s: snnc-run --mode=event / --mode=dense; torch/s: time-batched PyTorch forward.\n"
          f"batch 1: snnc-run on {a.batch1_threads} thread(s) vs PyTorch on 2; batch 64: both on 2 threads.\n"
          "syn.ev/s: synaptic events (weight additions by non-zero inputs) per second, event mode.\n"
          "agree: samples where snnc-run's and PyTorch's predictions agree.")


if __name__ == "__main__":
    main()
