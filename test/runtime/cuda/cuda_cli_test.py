#!/usr/bin/env python3
"""snnc-run --backend: cpu is the default, cuda-emu equals cpu, cuda fails cleanly without a GPU.

usage: cuda_cli_test.py SNNC_RUN SNNC_RT_TESTGEN WORKDIR
On the synthetic conv model of snnc-rt-testgen: --backend=cuda-emu (the CUDA backend's algorithm
on the host) gives the JSON of --backend=cpu; an unknown backend is rejected with exit code 2;
--backend=cuda either gives the cpu results (a GPU is present) or exits with code 1 and one line
"no CUDA device" / "built without CUDA" (no crash; the JSON report says status "error").
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

RUN, GEN, WORK = sys.argv[1:4]
failures = []


def run(*args):
    return subprocess.run([RUN, *args], capture_output=True, text=True, timeout=120)


def check(cond, what, proc=None):
    if not cond:
        extra = (f"\n  rc={proc.returncode}\n  stdout={proc.stdout[-800:]}\n"
                 f"  stderr={proc.stderr[-800:]}") if proc else ""
        failures.append(what + extra)
        print("FAIL:", what + extra)


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
subprocess.run([GEN, WORK], check=True, capture_output=True)
M = lambda n: os.path.join(WORK, n)
rng = np.random.default_rng(1)
x = rng.random((70, 1, 12, 12), dtype=np.float32)
x[x < 0.5] = 0
np.save(M("x.npy"), x)
KEYS = ["predictions", "steps_executed", "outputs", "spikes", "sample_spikes", "synaptic_events",
        "neuron_updates"]


def results(backend, *extra):
    out = M(f"{backend}.json")
    if os.path.exists(out):
        os.remove(out)
    p = run(M("conv.bin"), "--input", M("x.npy"), "--json", out, "--outputs", "--sample-spikes",
            "--quiet", f"--backend={backend}", *extra)
    return p, (json.load(open(out)) if p.returncode == 0 and os.path.exists(out) else None), out


for extra in ([], ["--full"], ["--full", "--mode=event"], ["--steps", "3", "--mode=dense"],
              ["--seed", "9", "--adaptive-exit"], ["--warmup", "5"]):
    p, cpu, _ = results("cpu", *extra)
    check(cpu is not None, f"cpu run {extra}", p)
    p, emu, _ = results("cuda-emu", *extra)
    check(emu is not None, f"cuda-emu run {extra}", p)
    if cpu and emu:
        for k in KEYS:
            check(cpu[k] == emu[k], f"cuda-emu {extra}: {k} equals cpu")
        check(emu["backend"] == "cuda-emu", "json names the backend")
    print(f"cuda-emu vs cpu {extra}: checked")

# A malformed density threshold is an error (exit 1, one line naming the variable and its value,
# status error in the json), never a silently ignored setting; "CONV,FC" is accepted.
os.environ["SNNC_CUDA_DENSE_FRACTION"] = "1.5"
p, emu, out = results("cuda-emu", "--full")
msg = p.stderr.strip()
check(p.returncode == 1 and msg.startswith("snnc-run: error:") and msg.count("\n") == 0
      and "SNNC_CUDA_DENSE_FRACTION='1.5'" in msg, "bad SNNC_CUDA_DENSE_FRACTION: one clear line", p)
check(os.path.exists(out) and json.load(open(out))["status"] == "error",
      "bad SNNC_CUDA_DENSE_FRACTION: the json report says status error")
os.environ["SNNC_CUDA_DENSE_FRACTION"] = "0.02,0.75"
p, emu, _ = results("cuda-emu", "--full")
_, cpu, _ = results("cpu", "--full")
check(emu is not None and cpu is not None and all(cpu[k] == emu[k] for k in KEYS),
      "SNNC_CUDA_DENSE_FRACTION=0.02,0.75: cuda-emu equals cpu", p)
del os.environ["SNNC_CUDA_DENSE_FRACTION"]

p = run(M("conv.bin"), "--input", M("x.npy"), "--backend=tpu")
check(p.returncode == 2 and "--backend=tpu" in p.stderr and "error:" in p.stderr,
      "unknown backend: exit 2 (usage) with a message", p)

p = run(M("conv.bin"), "--input", M("x.npy"), "--backend=gpu")
check(p.returncode == 2 and "--backend=gpu: expected cpu, cuda or cuda-emu" in p.stderr,
      "--backend=gpu lists every registered backend, cuda-emu included", p)
p = run("--version")
check(p.returncode == 0 and "backend cuda:" in p.stdout and "backend cuda-emu:" in p.stdout,
      "--version lists the backends the CUDA library registered", p)

p, gpu, out = results("cuda", "--full")
if p.returncode == 0:
    _, cpu, _ = results("cpu", "--full")
    for k in KEYS:
        check(cpu[k] == gpu[k], f"cuda --full: {k} equals cpu")
    print("cuda backend present: results equal to cpu")
else:
    check(p.returncode == 1, "cuda without a device: exit code 1", p)
    msg = p.stderr.strip()
    check(("no CUDA device" in msg or "built without CUDA" in msg) and msg.count("\n") == 0
          and msg.startswith("snnc-run: error:"), "cuda without a device: one clear line", p)
    check(os.path.exists(out) and json.load(open(out))["status"] == "error",
          "cuda without a device: the json report says status error")
    print(f"SKIPPED (no CUDA device here): --backend=cuda says: {msg}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("all --backend checks passed")
