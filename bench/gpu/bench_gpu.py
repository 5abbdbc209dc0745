#!/usr/bin/env python3
"""GPU benchmark: snnc-run --backend=cuda vs --backend=cpu vs PyTorch CUDA (dense), one model.

  bench_gpu.py --snnc-run BIN [--model-dir models/fmnist-bntt-conv] [--samples 1024]
               [--model-bin FILE] [--work DIR] [--out OUT.json]

--model-bin: the model's model.bin compiled beforehand (bench/gpu/pack_for_device.sh); without it
the model is compiled here with snncref.modelbin (needs the protoc-generated schema on PYTHONPATH).

Inputs: the model's golden inputs (256 rows) tiled to --samples rows; row r is encoder sample r.
model.bin: snncref.modelbin (python/snncref/modelbin.py, protoc-generated schema code) (no compiler needed). Batch b means b samples at once:
  - cuda: SNNC_CUDA_MAX_CHUNK=b (chunks of b samples, one after the other), modes auto, event and
    dense; batch 1 runs 64 samples, the others all samples. wall_seconds of snnc-run (the run
    after loading; CUDA context created before), best of 2.
  - cpu: batch 1 = 1 thread over 64 samples, batch 64 / 1024 = all cores over all samples.
  - torch: snncref's PyTorch model on CUDA (time-batched dense forward, eval, no_grad), Poisson
    spikes precomputed on the host and copied to the device outside the timed region, batches of b;
    skipped with a message when torch or torch.cuda is not available (Debian's torch is CPU-only:
    bring CUDA wheels of torch and onnx to the device machine).
For T (--full) and T_exit. Prints a table and writes it as JSON (--out).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def snnc_rate(run_bin, model_bin, xfile, n, steps_args, backend, batch, mode, threads, work,
              extra=(), reps=2, env=None):
    """The fastest of `reps` runs (its JSON report) and "", or None and snnc-run's error; `env`:
    variables set for snnc-run besides SNNC_CUDA_MAX_CHUNK."""
    j = os.path.join(work, "r.json")
    env = dict(os.environ, **(env or {}), SNNC_CUDA_MAX_CHUNK=str(batch))
    args = [run_bin, model_bin, "--input", xfile, "--limit", str(n), *steps_args,
            f"--backend={backend}", f"--mode={mode}", "--threads", str(threads), "--json", j,
            "--quiet", *extra]
    best = None
    for _ in range(reps):
        p = subprocess.run(args, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            return None, p.stderr.strip()
        r = json.load(open(j))
        if best is None or r["wall_seconds"] < best["wall_seconds"]:
            best = r
    return best, ""


def torch_rate(onnx_path, x, steps, batch, n):
    try:
        import torch
    except ImportError as e:
        return None, f"torch not importable ({e})"
    if not torch.cuda.is_available():
        return None, "torch.cuda.is_available() is false (CPU-only torch?)"
    try:
        from snncref.export import load_onnx
    except ImportError as e:
        return None, f"snncref.export not importable ({e}; needs the onnx package)"
    model = load_onnx(onnx_path).cuda().eval()
    enc = [model.encode(x[b:b + batch], np.arange(b, min(b + batch, n)), steps).cuda()
           for b in range(0, n, batch)]
    preds = []
    with torch.no_grad():
        model(enc[0])
        torch.cuda.synchronize()
        best = None
        for _ in range(2):
            t0 = time.perf_counter()
            for e in enc:
                out = model(e)
                if len(preds) < n:
                    preds.extend(out[-1].argmax(1).tolist())
            torch.cuda.synchronize()
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
    return n / best, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc-run", required=True)
    ap.add_argument("--model-dir", default=os.path.join(ROOT, "models", "fmnist-bntt-conv"))
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--work", default="/tmp/snnc-gpu-bench")
    ap.add_argument("--model-bin")
    ap.add_argument("--out")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    onnx_path = os.path.join(a.model_dir, "model.onnx")
    model_bin = os.path.join(a.work, "model.bin")
    g = np.load(os.path.join(a.model_dir, "golden", "inputs.npy")).astype(np.float32)
    x = np.concatenate([g] * (a.samples // len(g) + 1))[:a.samples]
    xfile = os.path.join(a.work, "x.npy")
    np.save(xfile, x)
    if a.model_bin:
        model_bin = a.model_bin
    else:
        subprocess.run([sys.executable, "-m", "snncref.modelbin", onnx_path,
                        model_bin, "--info", os.path.join(a.model_dir, "info.json")], check=True)
    try:
        dev = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout.strip()
    except OSError:
        dev = ""
    T = None
    cores = os.cpu_count()
    rows = []
    print(f"model {a.model_dir}, {a.samples} samples, device: {dev or 'unknown'}, {cores} CPU cores")
    for sname in ("T", "T_exit"):
        steps_args = ["--full"] if sname == "T" else []
        for batch in (1, 64, 1024):
            n = 64 if batch == 1 else a.samples
            row = {"steps": sname, "batch": batch, "samples": n}
            for mode in ("auto", "event", "dense"):
                r, err = snnc_rate(a.snnc_run, model_bin, xfile, n, steps_args, "cuda", batch, mode,
                                   1, a.work)
                row[f"cuda_{mode}"] = r["samples_per_second"] if r else None
                if r and mode == "auto":
                    row["steps_run"] = r["steps"]
                    T = r["num_steps"]
                    cuda_pred = r["predictions"]
                if err:
                    row["cuda_error"] = err
            r, err = snnc_rate(a.snnc_run, model_bin, xfile, n, steps_args, "cpu", batch, "auto",
                               1 if batch == 1 else cores, a.work)
            row["cpu"] = r["samples_per_second"] if r else None
            if r and row.get("cuda_auto"):
                row["cuda_cpu_agree"] = sum(p == q for p, q in zip(r["predictions"], cuda_pred))
            steps = row.get("steps_run") or (r["steps"] if r else None)
            rate, err = (None, "no step count") if steps is None else torch_rate(
                onnx_path, x, steps, batch, n)
            row["torch_cuda"] = rate
            if err:
                row["torch_note"] = err
            rows.append(row)
            fmt = lambda v: "-" if v is None else f"{v:.0f}"
            print(f"{sname:6} (T={T}, steps {row.get('steps_run')}) batch {batch:5}: cuda auto "
                  f"{fmt(row['cuda_auto'])}/s event {fmt(row['cuda_event'])}/s dense "
                  f"{fmt(row['cuda_dense'])}/s | cpu {fmt(row['cpu'])}/s | torch-cuda "
                  f"{fmt(row['torch_cuda'])}/s | agree {row.get('cuda_cpu_agree')}/{n}"
                  + (f" | {row.get('cuda_error', '')} {row.get('torch_note', '')}".rstrip()
                     if row.get("cuda_error") or row.get("torch_note") else ""), flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"device": dev, "cores": cores, "model": a.model_dir, "rows": rows}, f,
                      indent=1)


if __name__ == "__main__":
    main()
