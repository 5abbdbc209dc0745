#!/usr/bin/env python3
"""The CUDA backend gives the CPU backend's answers on a shipped model's golden set.

  golden_equal.py --snnc-run BIN (--snnc BIN | --writer | --model-bin FILE) --backend cuda|cuda-emu
                  --model-dir models/NAME --work DIR [--limit N] [--quick]
                  [--quantize-bits N]

Compiles models/NAME/model.onnx (with `snnc`, or with snncref.modelbin), runs snnc-run on
golden/inputs.npy with --backend=cpu and with the given backend, and requires identical JSON
results: predictions, readout values (bit for bit), steps executed, spikes per LIF layer per step,
spikes per sample and step, synaptic events and neuron updates. Configurations: --full and the
default T_exit in modes auto, event and dense, and --adaptive-exit (--quick: --full and T_exit in
mode auto only). With --backend cuda on a machine without a usable device (or a build without
CUDA) it prints "SKIPPED: ..." and exits with 77, which ctest reports as skipped.
--model-bin FILE runs a model.bin compiled beforehand (bench/gpu/pack_for_device.sh makes them,
so that the device machine needs neither the compiler nor the protoc-generated Python schema); with
--quantize-bits N it says that FILE is the integer model (the configurations are then those below).
--quantize-bits N compiles the integer model (`snnc --quantize=loihi --weight-bits N`,
docs/fixed-point.md; needs --snnc) and compares --full and T_exit (integer models have one
synaptic path and no adaptive exit).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
KEYS = ["predictions", "steps_executed", "outputs", "spikes", "sample_spikes", "synaptic_events",
        "neuron_updates", "steps", "accuracy", "accuracy_per_step"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc-run", required=True)
    ap.add_argument("--snnc")
    ap.add_argument("--writer", action="store_true")
    ap.add_argument("--model-bin", help="a model.bin compiled beforehand (no compiling here)")
    ap.add_argument("--backend", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--quantize-bits", type=int, default=0)
    a = ap.parse_args()
    if a.quantize_bits and not (a.snnc or a.model_bin):
        ap.error("--quantize-bits needs --snnc (or --model-bin of a model compiled so)")
    if sum(map(bool, (a.snnc, a.writer, a.model_bin))) != 1:
        ap.error("give exactly one of --snnc, --writer and --model-bin")
    name = os.path.basename(os.path.normpath(a.model_dir))
    work = os.path.join(a.work, a.backend)
    os.makedirs(work, exist_ok=True)
    gdir = os.path.join(a.model_dir, "golden")
    golden = json.load(open(os.path.join(gdir, "golden.json")))
    model_bin = a.model_bin or os.path.join(work, "model.bin")
    onnx_path = os.path.join(a.model_dir, "model.onnx")
    if a.snnc:
        cmd = [a.snnc, onnx_path, "-o", model_bin]
        if a.quantize_bits:
            cmd += ["--quantize=loihi", "--weight-bits", str(a.quantize_bits)]
    elif a.writer:
        cmd = [sys.executable, "-m", "snncref.modelbin", onnx_path,
               model_bin, "--info", os.path.join(a.model_dir, "info.json")]
    if not a.model_bin:  # compile it here
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0 or not os.path.exists(model_bin):
            print(f"FAIL {name}: compiling failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
            return 1
    base = [a.snnc_run, model_bin, "--input", os.path.join(gdir, "inputs.npy"), "--labels",
            os.path.join(gdir, "labels.npy"), "--seed", str(golden.get("seed", 0)), "--outputs",
            "--sample-spikes", "--quiet", "--threads", "2"]
    if a.limit:
        base += ["--limit", str(a.limit)]

    if a.backend == "cuda":
        probe = subprocess.run(base + ["--backend=cuda", "--limit", "1"], capture_output=True,
                               text=True)
        if probe.returncode != 0 and ("no CUDA device" in probe.stderr
                                      or "built without CUDA" in probe.stderr):
            # The probe has no --json, so snnc-run also warns about --outputs/--sample-spikes:
            # name only the error.
            error = [l for l in probe.stderr.splitlines() if "error:" in l]
            print(f"SKIPPED: {name}: {(error or [probe.stderr.strip()])[-1]}")
            return 77

    configs = [("full", ["--full", "--per-step"]), ("T_exit", [])]
    if not a.quick and not a.quantize_bits:
        configs += [("full-event", ["--full", "--mode=event"]),
                    ("full-dense", ["--full", "--mode=dense"]),
                    ("adaptive", ["--full", "--adaptive-exit"])]
    ok = True
    for cname, extra in configs:
        res = {}
        for be in ("cpu", a.backend):
            out = os.path.join(work, f"{cname}-{be}.json")
            run = base + extra + [f"--backend={be}", "--json", out]
            p = subprocess.run(run, capture_output=True, text=True)
            if p.returncode != 0:
                print(f"FAIL {name} {cname}: {' '.join(run)}\n{p.stdout}{p.stderr}")
                return 1
            res[be] = json.load(open(out))
        c, g = res["cpu"], res[a.backend]
        bad = [k for k in KEYS if c.get(k) != g.get(k)]
        spikes = sum(sum(v) for v in c["spikes"].values())
        print(f"{name} {cname}: {a.backend} vs cpu: "
              + ("identical" if not bad else f"DIFFERENT in {bad}")
              + f" ({c['samples']} samples, {c['steps']} steps, accuracy {c['accuracy']}, "
              f"{spikes} spikes, cpu {c['samples_per_second']:.0f}/s, "
              f"{a.backend} {g['samples_per_second']:.0f}/s)")
        for k in bad:
            if k == "predictions":
                d = [i for i, (x, y) in enumerate(zip(c[k], g[k])) if x != y]
                print(f"  predictions differ at samples {d[:20]}")
            elif k == "spikes":
                for layer in c[k]:
                    if c[k][layer] != g[k].get(layer):
                        print(f"  spikes {layer}: cpu {c[k][layer]} vs {g[k].get(layer)}")
        ok &= not bad
    print(f"{'PASS' if ok else 'FAIL'} {name} ({a.backend})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
