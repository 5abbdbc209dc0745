#!/usr/bin/env python3
"""Mapping at scale, measured (issue 19): snnc-map wall time and peak RSS on paper-size networks
and on a >= 1 M-neuron network, and sweep throughput (points per second) on VGG9 and VGG11.

Not a test: it prints measured numbers with the CPU model. Models come from
bench/make_paper_models.py (built here if missing; vgg16-64 = VGG16's convolutions at 64x64,
1.1 M neurons, not calibrated: the mapper reads shapes and tables, activity is the default rate).

  PYTHONPATH=python /usr/bin/python3 bench/map_scale.py [--models bench/models] [--snnc-map build/bin/snnc-map]
      [--runs 3]
"""
import argparse
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def measured(cmd):
    """Wall seconds and peak RSS (MiB) of one child run."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    rss_kb = int(p.stderr.strip().splitlines()[-1]) if p.stderr.strip() else 0
    return p.returncode, wall, rss_kb / 1024.0, p.stdout


def first_line(text, prefix):
    return next((l for l in text.splitlines() if l.startswith(prefix)), "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=os.path.join(ROOT, "bench", "models"))
    ap.add_argument("--snnc-map", default=os.path.join(ROOT, "build", "bin", "snnc-map"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    need = [m for m in ("vgg9", "vgg11", "mlp", "vgg16-64")
            if not os.path.exists(os.path.join(a.models, m, "model.bin"))]
    if need:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_paper_models.py"), "--out", a.models,
                        "--models", ",".join(need)], check=True)
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs, shared)")
    print("| model | hw | status | cores (bound) | chips | wall s (best of %d) | peak RSS MiB |" % a.runs)
    print("|---|---|---|---|---|---|---|")
    for model in ("vgg9", "vgg11", "mlp", "vgg16-64"):
        path = os.path.join(a.models, model, "model.bin")
        for hw in ("loihi1", "loihi2"):
            best, rss, out, rc = 1e9, 0, "", 0
            for _ in range(a.runs):
                rc, wall, r, out = measured([a.snnc_map, path, "--hw", hw])
                best, rss = min(best, wall), max(rss, r)
            cores = first_line(out, "cores:")
            status = "ok" if rc == 0 else f"exit {rc}"
            summary = cores.replace("cores: ", "").split(", chips")[0] if cores else "-"
            chips = cores.split("chips: ")[-1] if cores else "-"
            print(f"| {model} | {hw} | {status} | {summary} | {chips} | {best:.3f} | {rss:.0f} |")
    # Sweep throughput: neurons per core x weight bits on loihi2.
    for model in ("vgg9", "vgg11"):
        path = os.path.join(a.models, model, "model.bin")
        cmd = [a.snnc_map, path, "--hw", "loihi2", "--sweep", "compartments=1024,2048,4096,8192",
               "--sweep", "weight_bits=1,2,4,8", "--csv", os.path.join(a.models, f"{model}-sweep.csv")]
        rc, wall, rss, _ = measured(cmd)
        print(f"sweep {model} loihi2 16 points: {wall:.2f} s = {16 / wall:.1f} points/s, peak RSS {rss:.0f} MiB"
              f" (exit {rc})")


if __name__ == "__main__":
    main()
