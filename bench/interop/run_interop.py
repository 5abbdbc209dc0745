"""Interop benchmark: networks trained in snnTorch and sinabs, exported with their own NIR
exporters, compiled by snnc and run by snnc-run on the same spike trains, compared with the
frameworks' own simulations (frameworks.py) under NIR's reading and their native one.

Not a CI test (it needs PyPI packages): run it in the venv of bench/interop/README.md,
    /work/venvs/interop/bin/python bench/interop/run_interop.py --out /tmp/interop
It prints a Markdown table (the one in docs/interop.md) and writes results.json. Agreement is the
fraction of test samples whose prediction (argmax of output spike counts, first maximum on ties,
numpy's rule for both sides) is the same; "counts equal" is the fraction whose output spike
counts are identical, "layer spikes" the fraction of (sample, spiking layer) pairs whose total
spike counts are identical.
"""
import argparse
import importlib.metadata as md
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, HERE)

import frameworks as fw  # noqa: E402
from snncref import data  # noqa: E402


def spike_trains(x, steps, seed):
    """Bernoulli rate code: [N, ...] in [0, 1] -> [N, T, ...] float32 spikes (one draw shared by
    the framework and snnc)."""
    rng = np.random.default_rng(seed)
    return (rng.random((x.shape[0], steps) + x.shape[1:]) < x[:, None]).astype(np.float32)


def datasets(n_train, n_test, steps):
    xf, yf = data.load_fmnist("train")
    xft, yft = data.load_fmnist("test")
    xd, yd = data.load_digits("train")
    xdt, ydt = data.load_digits("test")
    xd, xdt = xd.reshape(-1, 1, 8, 8), xdt.reshape(-1, 1, 8, 8)
    flat = lambda a: a.reshape(len(a), -1)
    return {
        "fmnist": (spike_trains(flat(xf[:n_train]), steps, 1), yf[:n_train],
                   spike_trains(flat(xft[:n_test]), steps, 2), yft[:n_test]),
        "digits": (spike_trains(xd, steps, 3), yd, spike_trains(xdt, steps, 4), ydt),
        "digits-flat": (spike_trains(flat(xd), steps, 3), yd, spike_trains(flat(xdt), steps, 4),
                        ydt),
    }


def cases():
    """(name, framework, data set, train+export function, snnc flags)."""
    mlp = lambda reset, learn, neuron="leaky": lambda: fw.snntorch_mlp(784, 128, 10, reset, learn,
                                                                       neuron)
    conv = lambda reset: lambda: fw.snntorch_conv((1, 8, 8), 8, 10, reset)
    snt = lambda make, epochs, lr: lambda d, path: fw.snntorch_case(make(), *d[:3], path, epochs,
                                                                   lr)
    sin = lambda make, epochs, lr, neurons=fw.sinabs_iaf: lambda d, path: fw.sinabs_case(
        make, *d[:3], path, epochs, lr, neurons)
    return [
        ("snntorch-mlp-default", "snnTorch", "fmnist", snt(mlp("subtract", False), 2, 2e-3), []),
        ("snntorch-mlp-zero", "snnTorch", "fmnist", snt(mlp("zero", False), 2, 2e-3), []),
        ("snntorch-mlp-learn-beta", "snnTorch", "fmnist", snt(mlp("zero", True), 2, 2e-3), []),
        ("snntorch-mlp-synaptic-zero", "snnTorch", "fmnist",
         snt(mlp("zero", False, "synaptic"), 2, 2e-3), []),
        ("snntorch-mlp-synaptic-default", "snnTorch", "fmnist",
         snt(mlp("subtract", False, "synaptic"), 2, 2e-3), []),
        ("snntorch-conv-zero", "snnTorch", "digits", snt(conv("zero"), 4, 5e-3), []),
        ("snntorch-conv-default", "snnTorch", "digits", snt(conv("subtract"), 4, 5e-3), []),
        ("sinabs-mlp-iaf", "sinabs", "digits-flat",
         sin(lambda n: fw.sinabs_mlp(64, 64, 10, n), 3, 5e-3), []),
        ("sinabs-conv-iaf", "sinabs", "digits",
         sin(lambda n: fw.sinabs_conv((1, 8, 8), 8, 10, n), 3, 5e-3), []),
        # sinabs's LIF writes tau in steps: --nir-dt 1. The NIR reading in snnc's Euler form, and
        # in the exponential form of sinabs's own LIF (same trained weights, seed 0).
        ("sinabs-mlp-lif", "sinabs", "digits-flat",
         sin(lambda n: fw.sinabs_mlp(64, 64, 10, n), 6, 1e-2, fw.sinabs_lif(4.0, True)),
         ["--nir-dt", "1"]),
        ("sinabs-mlp-lif-exp", "sinabs", "digits-flat",
         sin(lambda n: fw.sinabs_mlp(64, 64, 10, n), 6, 1e-2, fw.sinabs_lif(4.0, False)),
         ["--nir-dt", "1"]),
    ]


def run_snnc(args, nir_path, x, steps, flags, workdir):
    model = os.path.join(workdir, "model.bin")
    xs = os.path.join(workdir, "x.npy")
    report = os.path.join(workdir, "run.json")
    np.save(xs, x)
    compile_cmd = [args.snnc, nir_path, "--num-steps", str(steps), "-o", model] + flags
    c = subprocess.run(compile_cmd, capture_output=True, text=True)
    if c.returncode != 0:
        return {"error": f"snnc exit {c.returncode}: {c.stdout.strip()} {c.stderr.strip()}"}
    r = subprocess.run([args.snnc_run, model, "--input", xs, "--outputs", "--sample-spikes",
                        "--quiet", "--json", report], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": f"snnc-run exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}"}
    run = json.load(open(report))
    outputs = np.asarray(run["outputs"], np.float64).reshape(len(x), -1)
    layers = [np.asarray(v).sum(1) for _, v in run["sample_spikes"].items()]
    return {"counts": np.rint(outputs * steps), "layers": layers}


def compare(snnc, ref, labels):
    counts, layers = ref
    same_layers = [(a == b) for a, b in zip(snnc["layers"], layers)]
    return {
        "agree": float((snnc["counts"].argmax(1) == counts.argmax(1)).mean()),
        "counts_equal": float((snnc["counts"] == counts).all(1).mean()),
        "layer_spikes_equal": float(np.mean(np.concatenate(same_layers))) if same_layers else None,
        "layers_compared": f"{len(same_layers)} of {len(snnc['layers'])}",
        "accuracy": float((counts.argmax(1) == labels).mean()),
    }


def versions():
    out = {}
    for p in ("snntorch", "sinabs", "norse", "nir", "nirtorch", "torch", "numpy"):
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = None
    import torch
    out["torch"] = torch.__version__
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build/bin/snnc"))
    ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build/bin/snnc-run"))
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--train", type=int, default=10000, help="Fashion-MNIST training samples")
    ap.add_argument("--test", type=int, default=1000, help="Fashion-MNIST test samples")
    ap.add_argument("--only", help="comma-separated case names")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import torch
    torch.set_num_threads(2)
    d = datasets(args.train, args.test, args.steps)
    results = {"versions": versions(), "machine": platform.processor() or platform.machine(),
               "steps": args.steps, "cases": []}
    for name, framework, dataset, run_case, flags in cases():
        if args.only and name not in args.only.split(","):
            continue
        workdir = os.path.join(args.out, name)
        os.makedirs(workdir, exist_ok=True)
        path = os.path.join(workdir, "model.nir")
        start = time.time()
        entry = {"name": name, "framework": framework, "dataset": dataset}
        try:
            native, reading = run_case(d[dataset], path)
        except Exception as e:  # an exporter or importer failure is a result, not a crash
            import traceback
            where = traceback.extract_tb(e.__traceback__)[-1]
            entry["error"] = f"{type(e).__name__}: {e} ({os.path.basename(where.filename)}:{where.lineno})"
            results["cases"].append(entry)
            print(f"{name}: {entry['error']}", flush=True)
            continue
        x_test, y_test = d[dataset][2], d[dataset][3]
        snnc = run_snnc(args, path, x_test, args.steps, flags, workdir)
        if "error" in snnc:
            entry["error"] = snnc["error"]
        else:
            entry["nir"] = compare(snnc, reading, y_test)
            entry["native"] = compare(snnc, native, y_test)
            entry["snnc_accuracy"] = float((snnc["counts"].argmax(1) == y_test).mean())
        entry["samples"] = len(x_test)
        entry["seconds"] = round(time.time() - start, 1)
        results["cases"].append(entry)
        print(json.dumps(entry), flush=True)
    json.dump(results, open(os.path.join(args.out, "results.json"), "w"), indent=1)
    print(table(results))


def table(results):
    pct = lambda v: "—" if v is None else f"{100 * v:.1f} %"
    rows = ["| case | framework | samples | NIR reading: agree / counts equal / layer spikes "
            "| native reading: agree / counts equal / layer spikes | accuracy (framework native, "
            "snnc) |", "| --- | --- | --- | --- | --- | --- |"]
    for c in results["cases"]:
        if "error" in c:
            rows.append(f"| {c['name']} | {c['framework']} | — | failed: {c['error'][:160]} | | |")
            continue
        n, v = c["nir"], c["native"]
        rows.append(
            f"| {c['name']} | {c['framework']} | {c['samples']} | {pct(n['agree'])} / "
            f"{pct(n['counts_equal'])} / {pct(n['layer_spikes_equal'])} | {pct(v['agree'])} / "
            f"{pct(v['counts_equal'])} / {pct(v['layer_spikes_equal'])} | "
            f"{pct(v['accuracy'])}, {pct(c['snnc_accuracy'])} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
