#!/usr/bin/env python3
"""Where should --mode=auto switch from the event path to the gather path on a GPU?

  density_sweep.py --snnc-run BIN --models-bin DIR [--models models] [--only NAME]
                   [--backend cuda|cuda-emu] [--out OUT.json]

For every shipped model whose model.bin is DIR/NAME.bin (bench/gpu/pack_for_device.sh makes them),
runs snnc-run --backend=cuda --mode=auto --full on the golden inputs tiled to 2048 samples at batch 64
and 8192 at batch 1024 (SNNC_CUDA_MAX_CHUNK; a run of ~1000 samples takes a few milliseconds on an
H200 and times only launches and clock ramp-up), for a range of SNNC_CUDA_DENSE_FRACTION values (0:
gather whenever an input has a spike; 1: always the event path), best of 3 wall times. The
convolutions' threshold is swept with the dense layers' fixed, then the other way round (the value
is "CONV,FC"). Prints samples/s per setting and checks that every setting gives the same
predictions, readout values and spike counts (the paths add in the same order, docs/gpu.md).
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

from bench_gpu import snnc_rate

SWEEP = [0.0, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0]
FIXED_CONV, FIXED_FC = 0.02, 0.5
FRACTIONS = ([f"{f:g},{FIXED_FC:g}" for f in SWEEP]
             + [f"{FIXED_CONV:g},{f:g}" for f in SWEEP if f != FIXED_FC])
SAMPLES = {64: 2048, 1024: 8192}


def run(bin_, backend, model, x, n, batch, fraction, work):
    r, err = snnc_rate(bin_, model, x, n, ["--full"], backend, batch, "auto", 1, work,
                       extra=["--outputs"], reps=3, env={"SNNC_CUDA_DENSE_FRACTION": fraction})
    if r is None:
        sys.exit(f"density_sweep.py: SNNC_CUDA_DENSE_FRACTION={fraction}: {err}")
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc-run", required=True)
    ap.add_argument("--models-bin", required=True)
    ap.add_argument("--models", default="models")
    ap.add_argument("--only", help="comma-separated model names")
    ap.add_argument("--backend", default="cuda")
    ap.add_argument("--out")
    a = ap.parse_args()
    work = tempfile.mkdtemp()
    table = []
    for name in sorted(os.listdir(a.models)):
        model = os.path.join(a.models_bin, name + ".bin")
        inputs = os.path.join(a.models, name, "golden", "inputs.npy")
        if not (os.path.exists(model) and os.path.exists(inputs)) or (a.only and name not in a.only.split(",")):
            continue
        g = np.load(inputs).astype(np.float32)
        for batch, n in SAMPLES.items():
            x = os.path.join(work, "x.npy")
            np.save(x, np.concatenate([g] * (n // len(g) + 1))[:n])
            ref, rates = None, []
            for f in FRACTIONS:
                r = run(a.snnc_run, a.backend, model, x, n, batch, f, work)
                key = (r["predictions"], r["outputs"], r["spikes"])
                same = ref is None or key == ref
                ref = ref or key
                rates.append(r["samples_per_second"])
                table.append({"model": name, "batch": batch, "fraction": f,
                              "samples_per_second": r["samples_per_second"], "same": same})
                if not same:
                    print(f"DIFFERENT results at fraction {f}: {name} batch {batch}")
            best = FRACTIONS[int(np.argmax(rates))]
            print(f"{name:20} batch {batch:5}: " + " ".join(
                f"{f}:{v:.0f}" for f, v in zip(FRACTIONS, rates)) + f" | best {best}",
                flush=True)
    if a.out:
        json.dump(table, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
