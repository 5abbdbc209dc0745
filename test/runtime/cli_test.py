#!/usr/bin/env python3
"""snnc-run command-line tests: valid runs, --json/--dump, and every kind of bad input.

usage: cli_test.py SNNC_RUN SNNC_RT_TESTGEN WORKDIR
Each bad input must give exit code 1 (not a crash or signal), a message naming the file and
rule on stderr, and no output file.
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

RUN, GEN, WORK = sys.argv[1:4]
failures = []


def run(*args, env=None):
    return subprocess.run([RUN, *args], capture_output=True, text=True, timeout=60,
                          env=None if env is None else {**os.environ, **env})


def check(cond, what, proc=None):
    if not cond:
        extra = f"\n  rc={proc.returncode}\n  stdout={proc.stdout[-800:]}\n  stderr={proc.stderr[-800:]}" if proc else ""
        failures.append(what + extra)
        print("FAIL:", what + extra)


def expect_error(args, text, name):
    p = run(*args)
    check(p.returncode == 1, f"{name}: exit code 1 expected", p)
    check(text in p.stderr, f"{name}: stderr should contain {text!r}", p)
    check("error:" in p.stderr, f"{name}: stderr should say error", p)


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
subprocess.run([GEN, WORK], check=True)
M = lambda n: os.path.join(WORK, n)

rng = np.random.default_rng(0)
x = rng.random((9, 1, 12, 12), dtype=np.float32)
x[x < 0.4] = 0
np.save(M("x.npy"), x)
np.save(M("y.npy"), rng.integers(0, 10, 9).astype(np.int64))
np.save(M("y_short.npy"), np.zeros(3, np.int64))
np.save(M("x_wrong.npy"), np.zeros((4, 1, 11, 12), np.float32))
np.save(M("x_f16.npy"), np.zeros((4, 144), np.float16))
with open(M("x.npy"), "rb") as f:
    raw = f.read()
with open(M("x_trunc.npy"), "wb") as f:
    f.write(raw[:-100])
with open(M("x_magic.npy"), "wb") as f:
    f.write(b"PK\x03\x04" + raw[4:])

# --- valid runs ---------------------------------------------------------------------------
out = M("run.json")
p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--json", out, "--threads", "2")
check(p.returncode == 0, "valid run exits 0", p)
check("accuracy:" in p.stdout and "throughput:" in p.stdout and "mean steps executed: 4.000" in p.stdout,
      "valid run prints accuracy, throughput, mean steps (T_exit = 4)", p)
j = json.load(open(out))
for key in ["accuracy", "predictions", "steps_executed", "spikes", "synaptic_events", "neuron_updates",
            "wall_seconds"]:
    check(key in j, f"json has {key}")
check(len(j["predictions"]) == 9 and all(s == 4 for s in j["steps_executed"]), "json predictions/steps")
check(set(j["spikes"]) == {"lif2", "lif5", "lif9"} and all(len(v) == 4 for v in j["spikes"].values()),
      "json spikes keyed by LIF name, one count per step")
check(set(j["synaptic_events"]) == {"conv1", "conv4", "fc8", "fc10"},
      "json synaptic_events per synaptic layer")

ref = None
for extra in (["--threads", "1", "--mode=event"], ["--threads", "3", "--mode", "dense"], ["--threads=2"]):
    p = run(M("conv.bin"), "--input", M("x.npy"), "--json", out, "--outputs", *extra)
    check(p.returncode == 0, f"run {extra}", p)
    j2 = json.load(open(out))
    key = (j2["predictions"], j2["spikes"], j2["outputs"])
    check(ref is None or key == ref, f"results independent of {extra}")
    ref = key

# The baseline kernels (SSE2 on x86-64; what a CPU without AVX2 runs) give the same bits.
p = run(M("conv.bin"), "--input", M("x.npy"), "--json", out, "--outputs", "--full",
        env={"SNNC_KERNELS": "baseline"})
check(p.returncode == 0, "run with SNNC_KERNELS=baseline", p)
base = json.load(open(out))
run(M("conv.bin"), "--input", M("x.npy"), "--json", out, "--outputs", "--full")
best = json.load(open(out))
check((base["predictions"], base["spikes"], base["outputs"], base["synaptic_events"])
      == (best["predictions"], best["spikes"], best["outputs"], best["synaptic_events"]),
      "baseline and best kernels give identical results")

p = run(M("conv.bin"), "--input", M("x.npy"), "--full", "--json", out)
check(p.returncode == 0 and json.load(open(out))["steps"] == 6, "--full runs T steps", p)
p = run(M("conv.bin"), "--input", M("x.npy"), "--steps", "2", "--limit", "3", "--json", out)
j3 = json.load(open(out))
check(p.returncode == 0 and j3["steps"] == 2 and j3["samples"] == 3, "--steps/--limit", p)
p = run(M("conv.bin"), "--input", M("x.npy"), "--full", "--adaptive-exit", "--json", out)
check(p.returncode == 0, "--adaptive-exit runs", p)
p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--full", "--per-step", "--json", out)
check(p.returncode == 0, "--per-step runs", p)
jp = json.load(open(out))
acc = jp.get("accuracy_per_step", [])
check(len(acc) == 6 and acc[-1] == jp["accuracy"], "--per-step: one accuracy per step, the last is accuracy", p)
line = [l for l in p.stdout.splitlines() if l.startswith("accuracy per step: ")]
check(len(line) == 1 and line[0].split(": ")[1].split() == [f"{a:.4f}" for a in acc],
      "--per-step prints one line with every step's accuracy", p)
for k in range(1, 7):  # the accuracy after step k is that of a run of k steps
    p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--steps", str(k), "--json", out)
    jk = json.load(open(out))
    check(p.returncode == 0 and acc[k - 1:k] == [jk["accuracy"]] and "accuracy_per_step" not in jk,
          f"--per-step value {k} equals --steps {k}", p)
p = run(M("mlp.bin"), "--input", M("x.npy"), "--json", out)
check(p.returncode == 1 and "does not fit the model input of 16" in p.stderr, "mlp on wrong input", p)
p = run(M("conv-direct.bin"), "--input", M("x.npy"))
check(p.returncode == 0, "direct-encoded model runs", p)

p = run(M("conv.bin"), "--dump")
check(p.returncode == 0 and p.stdout.startswith("snnc-model-bin\n"), "--dump header", p)
for line in ["  num_steps: 6", "  early_exit_step: 4", "  input_shape: [1, 12, 12]",
             "layer 1 CONV2D conv1 inputs=[0] shape=[6, 12, 12] binary=0 params=54",
             "    conv: kernel=[3, 3] strides=[1, 1] pads=[1, 1, 1, 1] dilations=[1, 1] groups=1",
             "layer 2 LIF lif2 inputs=[1] shape=[6, 12, 12] binary=1 params=144",
             "    threshold: [6, 6] t0=[1, 1, 1, 1, ...] t5=[1, 1, 1, 1, ...]",
             "layer 11 READOUT readout11 inputs=[10] shape=[10] binary=0 params=0"]:
    check(line + "\n" in p.stdout, f"--dump has line {line!r}", p)
p = run(M("conv-gamma.bin"), "--dump")
for line in ["gamma_mean bntt2 t0=1 t5=0.25", "gamma_histogram bntt2 bins=3 range=[-0.25, 1]"]:
    check(line + "\n" in p.stdout, f"--dump of the gamma tables has line {line!r}", p)

# --- bad models ---------------------------------------------------------------------------
for name, text in [("truncated.bin", "payload_size"), ("short.bin", "32-byte header"),
                   ("empty.bin", "32-byte header"), ("badmagic.bin", "magic"),
                   ("badversion.bin", "format_version is 3, expected 1 or 2"), ("badcrc.bin", "CRC-32"),
                   ("nan.bin", "conv2d.weight: element 1 is nan"),
                   ("badindex.bin", "inputs: index 9 out of range"),
                   ("tablesize.bin", "lif.threshold: shape [3, 6], expected [6, 6]"),
                   ("hugeshape.bin", "out of range"),
                   ("badhistogram.bin",
                    "model.gamma_histogram[0] 'bntt2': 17 counts, expected T x bins = 18"),
                   ("missing.bin", "cannot open")]:
    expect_error([M(name), "--input", M("x.npy"), "--json", M("bad.json")], text, name)
    expect_error([M(name), "--input", M("x.npy")], M(name), name + " names the file")
    check(not os.path.exists(M("bad.json")), f"{name}: no json written")

# --- bad inputs and options ---------------------------------------------------------------
for args, text, name in [
    (["--input", M("x_wrong.npy")], "does not fit the model input of 144", "wrong sample size"),
    (["--input", M("x_trunc.npy")], "truncated", "truncated npy"),
    (["--input", M("x_magic.npy")], "bad magic", "bad magic input"),
    (["--input", M("x_f16.npy")], "dtype '<f2' not supported", "float16 npy"),
    (["--input", M("nothing.npy")], "cannot open", "missing input"),
    (["--input", M("x.npy"), "--labels", M("y_short.npy")], "3 labels for 9 samples", "few labels"),
    (["--input", M("x.npy"), "--labels", M("x.npy")], "labels must be integers", "float labels"),
    (["--input", M("x.npy"), "--steps", "7"], "the model has T = 6 steps", "steps > T"),
    (["--input", M("x.npy"), "--steps", "0"], "not an integer in 1..", "steps 0"),
    (["--input", M("x.npy"), "--threads", "x"], "--threads", "bad threads"),
    (["--input", M("x.npy"), "--seed", "-1"], "--seed", "negative seed"),
    (["--input", M("x.npy"), "--backend=tpu"], "--backend=tpu", "unknown backend"),
    (["--input", M("x.npy"), "--mode=sparse"], "--mode=sparse", "bad mode"),
    (["--input", M("x.npy"), "--bogus"], "unknown option", "unknown option"),
    (["--input", M("x.npy"), "--full", "--steps", "2"], "exclude", "full and steps"),
    (["--input", M("x.npy"), "--per-step"], "--per-step needs --labels", "per-step without labels"),
    (["--input", M("x.npy"), "--labels", M("y.npy"), "--per-step", "--adaptive-exit"],
     "--per-step and --adaptive-exit exclude each other", "per-step with adaptive exit"),
    ([], "no --input", "no input"),
    (["--input", M("x.npy"), "--json", "/nonexistent-dir/out.json"], "/nonexistent-dir/out.json",
     "unwritable json"),
]:
    expect_error([M("conv.bin"), *args], text, name)
p = run()
check(p.returncode == 1 and "no model file" in p.stderr, "no arguments", p)
leftovers = [f for f in os.listdir(WORK) if ".tmp." in f]
check(not leftovers, f"no temporary files left: {leftovers}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("all snnc-run CLI checks passed")
