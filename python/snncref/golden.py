"""Writes a model directory: model.onnx, info.json, golden/ (see docs/models.md).

    python3 -m snncref.golden models/NAME      # regenerate info.json + golden/ from models/NAME/model.onnx
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

from . import data
from .export import export_onnx, load_onnx
from .layers import BNTT, LIF
from .models import run_reference

NUM_GOLDEN = 256
GOLDEN_SEED = 0
EXIT_THRESHOLD = 0.1


def gamma_mean(model):
    """{BNTT layer name: [mean over channels of gamma_t, t = 0..T-1]} (signed means)."""
    return {n: [float(v) for v in m.weight.detach().double().mean(1)]
            for n, m in model.layers.items() if isinstance(m, BNTT)}


def early_exit_step(gmean, T, threshold=EXIT_THRESHOLD):
    """Smallest t such that for every t' >= t every BNTT layer's mean gamma is < threshold; T if never
    (or no BNTT layer); at least 1. It is the number of steps to run."""
    if not gmean:
        return T
    t = T
    while t > 0 and all(g[t - 1] < threshold for g in gmean.values()):
        t -= 1
    return max(t, 1)


def evaluate(model, dataset, log=print):
    """Full test set, hash encoder with seed 0. Returns (x, y, run dict, accuracy per exit step)."""
    x, y = data.load(dataset, "test", shape=model.input_shape)
    t0 = time.time()
    r = run_reference(model, x, np.arange(len(x)), seed=GOLDEN_SEED)
    acc = [float((r["outputs"][t].argmax(-1) == y).mean()) for t in range(r["outputs"].shape[0])]
    log(f"[{model.model_name}] test accuracy at T={model.num_steps}: {acc[-1]:.4f} "
        f"({len(x)} samples, {time.time() - t0:.0f} s)")
    return x, y, r, acc


def write_golden(model, out_dir, x, y, r):
    gdir = os.path.join(out_dir, "golden")
    os.makedirs(gdir, exist_ok=True)
    n = min(NUM_GOLDEN, len(x))
    logits = r["outputs"][-1][:n].astype(np.float32)
    files = {"inputs.npy": np.ascontiguousarray(x[:n], dtype=np.float32),
             "labels.npy": y[:n].astype(np.int64),
             "logits.npy": logits,
             "predictions.npy": logits.argmax(-1).astype(np.int64)}
    for name, s in r["spikes"].items():
        files[f"spikes_{name}.npy"] = np.ascontiguousarray(s[:n], dtype=np.int64)
    for f, arr in files.items():
        np.save(os.path.join(gdir, f), arr, allow_pickle=False)
    desc = {
        "format": "snnc golden v1: uncompressed .npy files, C order, little endian",
        "model": model.model_name,
        "num_samples": n,
        "sample_indices": f"test-set indices 0..{n - 1}; row i is encoder sample index n = i",
        "num_steps": model.num_steps,
        "seed": GOLDEN_SEED,
        "encoder": dict(model.encoder_cfg, num_steps=model.num_steps, seed=GOLDEN_SEED),
        "produced_by": "snncref PyTorch reference, eval mode, float32 (torch " + torch.__version__ + ")",
        "files": {
            "inputs.npy": f"float32 {list(files['inputs.npy'].shape)}: raw un-encoded test inputs in [0,1]",
            "labels.npy": f"int64 [{n}]: true labels",
            "logits.npy": f"float32 [{n}, {logits.shape[1]}]: readout after all T steps (sum / T)",
            "predictions.npy": f"int64 [{n}]: argmax of logits (first maximum)",
        },
    }
    for name in r["spikes"]:
        desc["files"][f"spikes_{name}.npy"] = (f"int64 [{n}, {model.num_steps}]: number of spikes of LIF "
                                               f"node '{name}' at each step, per sample")
    with open(os.path.join(gdir, "golden.json"), "w") as f:
        json.dump(desc, f, indent=2)
        f.write("\n")


def _plain(v):
    """A LIF parameter for info.json: a float, or a list (per-channel tensors of profile v2)."""
    return v if isinstance(v, float) else v.tolist()


def write_info(model, out_dir, dataset, acc, r, train_info, path_onnx):
    T = model.num_steps
    gm = gamma_mean(model)
    t_exit = early_exit_step(gm, T)
    rates = {}
    for name, m in model.layers.items():
        if isinstance(m, LIF):
            s = r["spikes"][name]
            neurons = int(np.prod(_lif_shape(model, name)))
            rates[name] = float(s.sum() / (s.shape[0] * s.shape[1] * neurons))
    info = {
        "name": model.model_name,
        "dataset": dataset,
        "data_split": data.describe(dataset),
        "architecture": model.arch,
        "input_shape": list(model.input_shape),
        "num_classes": int(r["outputs"].shape[-1]),
        "num_steps": T,
        "leak": next((_plain(m.leak) for m in model.layers.values() if isinstance(m, LIF)), None),
        "threshold": next((_plain(m.threshold) for m in model.layers.values() if isinstance(m, LIF)), None),
        "reset": next((m.reset for m in model.layers.values() if isinstance(m, LIF)), None),
        "encoder": dict(model.encoder_cfg, num_steps=T, eval_seed=GOLDEN_SEED),
        "test_samples": int(r["outputs"].shape[1]),
        "accuracy": acc[-1],
        "accuracy_per_exit_step": acc,
        "gamma_mean": gm,
        "early_exit_threshold": EXIT_THRESHOLD,
        "early_exit_step": t_exit,
        "accuracy_at_exit": acc[t_exit - 1],
        "spike_rate": rates,
        "onnx_bytes": os.path.getsize(path_onnx),
    }
    info.update(train_info or {})
    with open(os.path.join(out_dir, "info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    return info


def _lif_shape(model, name):
    from .export import _layer_shapes
    return _layer_shapes(model)[name]


def write_model_dir(model, out_dir, train_info=None, log=print):
    """Exports model.onnx, evaluates the full test set, writes info.json and golden/.

    Everything downstream is computed from the model re-loaded from the written ONNX file."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    export_onnx(model, path, model.input_shape, model.num_steps)
    dataset = model.dataset
    model = load_onnx(path)
    x, y, r, acc = evaluate(model, dataset, log)
    info = write_info(model, out_dir, dataset, acc, r, train_info, path)
    write_golden(model, out_dir, x, y, r)
    log(f"[{model.model_name}] wrote {out_dir}: accuracy {info['accuracy']:.4f}, "
        f"T_exit {info['early_exit_step']} (accuracy {info['accuracy_at_exit']:.4f})")
    return info


TRAIN_KEYS = ("hyperparameters", "history", "train_time_s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.model_dir, "info.json")) as f:
        old = json.load(f)
    model = load_onnx(os.path.join(args.model_dir, "model.onnx"))
    model.dataset = old["dataset"]
    write_model_dir(model, args.model_dir, {k: old[k] for k in TRAIN_KEYS if k in old})
    return 0


if __name__ == "__main__":
    sys.exit(main())
