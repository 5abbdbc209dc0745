#!/usr/bin/env python3
"""snnc-run command-line tests: valid runs, --json/--dump, and every kind of bad input.

usage: cli_test.py SNNC_RUN SNNC_RT_TESTGEN WORKDIR
Each bad input must give its exit code (include/snnc/Support/ExitCodes.h: 1 bad model or data
file or output path, 2 bad flag, 3 --min-accuracy not met; never a crash or signal), a message
naming the file and rule on stderr, and with --json a run report whose status is "error" (or no
file at all when the flags or the output path itself are bad).
"""
import gzip
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


def expect_error(args, text, name, code=1):
    p = run(*args)
    check(p.returncode == code, f"{name}: exit code {code} expected", p)
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
            "wall_seconds", "cpu_seconds"]:
    check(key in j, f"json has {key}")
# CPU time of the run itself: positive, and no more than its 2 threads could use in its wall time.
check(0 < j["cpu_seconds"] <= 2 * j["wall_seconds"] + 0.05,
      f"cpu_seconds {j['cpu_seconds']} within (0, 2 x wall_seconds {j['wall_seconds']}]")
check(len(j["predictions"]) == 9 and all(s == 4 for s in j["steps_executed"]), "json predictions/steps")
check(set(j["spikes"]) == {"lif2", "lif5", "lif9"} and all(len(v) == 4 for v in j["spikes"].values()),
      "json spikes keyed by LIF name, one count per step")
check(set(j["synaptic_events"]) == {"conv1", "conv4", "fc8", "fc10"},
      "json synaptic_events per synaptic layer")
check("layer_seconds" not in j, "no layer_seconds without --layer-seconds")

# --layer-seconds: every layer of the model once, in layer order, each >= 0; the synaptic layers
# and LIFs took time; the results are those of the run without it.
p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--json", out, "--threads", "2",
        "--layer-seconds")
check(p.returncode == 0 and "warning" not in p.stderr, "--layer-seconds run exits 0 without warnings", p)
jt = json.load(open(out))
secs = jt.get("layer_seconds", {})
check(list(secs) == jt["model"]["layers"], f"layer_seconds names every layer in order: {list(secs)}")
check(all(isinstance(v, float) and v >= 0 for v in secs.values()), f"layer_seconds >= 0: {secs}")
check(all(secs.get(n, 0) > 0 for n in list(j["synaptic_events"]) + list(j["spikes"])),
      f"synaptic and LIF layers took time: {secs}")
check(sum(secs.values()) <= 2 * jt["wall_seconds"] + 0.05,
      f"layer seconds {sum(secs.values())} within the 2 workers' wall time {jt['wall_seconds']}")
check((jt["predictions"], jt["spikes"], jt["synaptic_events"]) ==
      (j["predictions"], j["spikes"], j["synaptic_events"]), "--layer-seconds changes no result")
p = run(M("conv.bin"), "--input", M("x.npy"), "--layer-seconds")
check(p.returncode == 0 and "--layer-seconds has no effect without --json" in p.stderr,
      "--layer-seconds without --json warns", p)

# --warmup N: the first N samples run once untimed on the same workers; the report says how many,
# every result and count equals the run without it (also with groups of samples at --batch 16, a
# warm-up longer than the input, and the integer-free per-step path); a bad value is exit code 2.
check(jt.get("warmup_samples") == 0, f"warmup_samples 0 without --warmup: {jt.get('warmup_samples')}")
base_w = None
for extra in (["--warmup", "0"], ["--warmup", "3"], ["--warmup=9", "--batch", "16"], ["--warmup", "100"],
              ["--warmup", "2", "--batch", "1", "--threads", "2"], ["--warmup", "4", "--batch", "16"]):
    p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--json", out, "--outputs",
            "--sample-spikes", "--threads", "2", *extra)
    check(p.returncode == 0, f"run {extra}", p)
    jw = json.load(open(out))
    n = int(extra[0].split("=")[1]) if "=" in extra[0] else int(extra[1])
    check(jw.get("warmup_samples") == min(n, 9), f"{extra}: warmup_samples {jw.get('warmup_samples')}")
    check(("after" in p.stdout) == (n > 0), f"{extra}: the throughput line names the warm-up", p)
    key = tuple(jw[k] for k in ("predictions", "outputs", "spikes", "synaptic_events", "neuron_updates",
                                "sample_spikes", "correct"))
    check(base_w is None or key == base_w, f"--warmup changes no result: {extra}")
    base_w = base_w or key
p = run(M("conv.bin"), "--input", M("x.npy"), "--per-step", "--labels", M("y.npy"), "--warmup", "5")
check(p.returncode == 0 and "accuracy per step" in p.stdout, "--warmup with --per-step", p)
for bad in ("-1", "x", "1.5"):
    expect_error([M("conv.bin"), "--input", M("x.npy"), "--warmup", bad], "option --warmup", f"--warmup {bad}", 2)

ref = None
# --batch 1: the threads split each layer of one sample (latency mode); same bits for 1/2/3 threads.
for extra in (["--threads", "1", "--mode=event"], ["--threads", "3", "--mode", "dense"], ["--threads=2"],
              ["--batch", "1", "--threads", "1"], ["--batch", "1", "--threads", "2"],
              ["--batch", "1", "--threads", "3", "--mode=event"], ["--batch=2", "--threads", "3"]):
    p = run(M("conv.bin"), "--input", M("x.npy"), "--json", out, "--outputs", *extra)
    check(p.returncode == 0, f"run {extra}", p)
    j2 = json.load(open(out))
    key = (j2["predictions"], j2["spikes"], j2["outputs"])
    check(ref is None or key == ref, f"results independent of {extra}")
    ref = key

# Every kernel table this machine has (baseline = SSE2 on x86-64, AVX2, AVX-512) gives the same
# bits; run.json's "kernels" says which one ran (a forced ISA the CPU lacks falls back).
results = {}
for isa in ("baseline", "avx2", "avx512"):
    p = run(M("conv.bin"), "--input", M("x.npy"), "--json", out, "--outputs", "--full",
            env={"SNNC_KERNELS": isa})
    check(p.returncode == 0, f"run with SNNC_KERNELS={isa}", p)
    r = json.load(open(out))
    results[r["kernels"]] = (r["predictions"], r["spikes"], r["outputs"], r["synaptic_events"])
check("baseline" in results, "SNNC_KERNELS=baseline runs the baseline kernels")
print("kernel tables compared:", ", ".join(sorted(results)))
check(len(set(map(repr, results.values()))) == 1, f"kernel tables {sorted(results)} give identical results")
# A forced name that is no ISA runs the best table with a one-line warning naming the variable.
p = run(M("conv.bin"), "--input", M("x.npy"), "--json", out, env={"SNNC_KERNELS": "avx9"})
check(p.returncode == 0 and "SNNC_KERNELS=avx9 is not avx512, avx2 or baseline" in p.stderr,
      "SNNC_KERNELS=avx9 warns and runs", p)
check(json.load(open(out))["kernels"] in ("avx512", "avx2", "baseline"), "SNNC_KERNELS=avx9 reports its table")

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
                   ("badversion.bin", "format_version is 99, expected 1 to 5"), ("badcrc.bin", "CRC-32"),
                   ("nan.bin", "conv2d.weight: element 1 is nan"),
                   ("badindex.bin", "inputs: index 9 out of range"),
                   ("tablesize.bin", "lif.threshold: shape [3, 6], expected [6, 6]"),
                   ("hugeshape.bin", "out of range"),
                   ("badhistogram.bin",
                    "model.gamma_histogram[0] 'bntt2': 17 counts, expected T x bins = 18"),
                   ("missing.bin", "cannot open")]:
    expect_error([M(name), "--input", M("x.npy"), "--json", M("bad.json")], text, name)
    expect_error([M(name), "--input", M("x.npy")], M(name), name + " names the file")
    # The run report is written on failure too: status "error", the message, no statistics.
    jb = json.load(open(M("bad.json")))
    check(jb["status"] == "error" and text in jb["error"] and "predictions" not in jb,
          f"{name}: json has status error and the message")
    os.remove(M("bad.json"))

# --- bad inputs and options ---------------------------------------------------------------
for args, text, name in [
    (["--input", M("x_wrong.npy")], "does not fit the model input of 144", "wrong sample size"),
    (["--input", M("x_trunc.npy")], "truncated", "truncated npy"),
    (["--input", M("x_magic.npy")], "bad magic", "bad magic input"),
    (["--input", M("x_f16.npy")], "dtype '<f2' not supported", "float16 npy"),
    (["--input", M("nothing.npy")], "cannot open", "missing input"),
    (["--input", M("x.npy"), "--labels", M("y_short.npy")], "3 labels for 9 samples", "few labels"),
    (["--input", M("x.npy"), "--labels", M("x.npy")], "labels must be integers", "float labels"),
    (["--input", M("x.npy"), "--json", "/nonexistent-dir/out.json"], "/nonexistent-dir/out.json",
     "unwritable json"),
]:
    expect_error([M("conv.bin"), *args], text, name)
for args, text, name in [
    (["--input", M("x.npy"), "--steps", "7"], "the model has T = 6 steps", "steps > T"),
    (["--input", M("x.npy"), "--steps", "0"], "not an integer in 1..", "steps 0"),
    (["--input", M("x.npy"), "--limit", "0"], "--limit: '0' is not an integer in 1..", "limit 0"),
    (["--input", M("x.npy"), "--limit", "-3"], "--limit: '-3'", "negative limit"),
    (["--input", M("x.npy"), "--limit"], "option --limit needs a value", "limit without value"),
    (["--input", M("x.npy"), "--threads", "x"], "--threads", "bad threads"),
    (["--input", M("x.npy"), "--batch", "0"], "--batch", "batch 0"),
    (["--input", M("x.npy"), "--seed", "-1"], "--seed", "negative seed"),
    (["--input", M("x.npy"), "--max-input-bytes", "0"], "--max-input-bytes", "max-input-bytes 0"),
    (["--input", M("x.npy"), "--backend=tpu"], "--backend=tpu", "unknown backend"),
    # The list is the registry's: "cpu" alone in a build without the CUDA library (the full list
    # is checked by runtime-cuda-cli).
    (["--input", M("x.npy"), "--backend=gpu"], "--backend=gpu: expected cpu", "backend gpu"),
    (["--input", M("x.npy"), "--mode=sparse"], "--mode=sparse", "bad mode"),
    (["--input", M("x.npy"), "--bogus"], "unknown option", "unknown option"),
    (["--input", M("x.npy"), "--full", "--steps", "2"], "exclude", "full and steps"),
    (["--input", M("x.npy"), "--per-step"], "--per-step needs --labels", "per-step without labels"),
    (["--input", M("x.npy"), "--min-accuracy", "0.5"], "--min-accuracy needs --labels",
     "min-accuracy without labels"),
    (["--input", M("x.npy"), "--labels", M("y.npy"), "--min-accuracy", "1.5"],
     "--min-accuracy: '1.5' is not a number in [0, 1]", "min-accuracy out of range"),
    (["--input", M("x.npy"), "--labels", M("y.npy"), "--per-step", "--adaptive-exit"],
     "--per-step and --adaptive-exit exclude each other", "per-step with adaptive exit"),
    ([], "no --input", "no input"),
]:
    expect_error([M("conv.bin"), *args], text, name, code=2)
p = run()
check(p.returncode == 2 and "no model file" in p.stderr, "no arguments", p)

# --- hostile data files: exit 1, the file and the rule named ---------------------------------
for bad in (-1, 99, 2 ** 62):
    y = np.zeros(9, np.int64)
    y[4] = bad
    np.save(M("y_bad.npy"), y)
    expect_error([M("conv.bin"), "--input", M("x.npy"), "--labels", M("y_bad.npy")],
                 f"y_bad.npy: label 4 is {bad}, expected 0..9 (the model has 10 classes)",
                 f"label {bad}")
with open(M("x.npy"), "rb") as f:
    raw_x = f.read()
with open(M("x_junk.npy.gz"), "wb") as f:
    f.write(gzip.compress(raw_x) + b"junk")
expect_error([M("conv.bin"), "--input", M("x_junk.npy.gz")], "trailing garbage after the gzip",
             "gz with trailing garbage")
with open(M("x.npy.gz"), "wb") as f:
    f.write(gzip.compress(raw_x))
p = run(M("conv.bin"), "--input", M("x.npy.gz"), "--json", out)
check(p.returncode == 0 and json.load(open(out))["samples"] == 9, "gzip .npy input", p)
hdr = b"{'descr': '<f4', 'fortran_order': False, 'shape': (0, 9999999999999, 9999999999999), }"
with open(M("x_shape.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr)
expect_error([M("conv.bin"), "--input", M("x_shape.npy")], "too large", "overflowing shape")
with open(M("x_rank.idx"), "wb") as f:
    f.write(bytes([0, 0, 8, 255]) + b"\xff" * 1020)
expect_error([M("conv.bin"), "--input", M("x_rank.idx")], "255 dimensions, at most 8", "idx rank 255")
# A header claiming 10^6 samples, 3 present: --limit 2 reads two; without, the byte limit (set
# low here) refuses the request before reading.
with open(M("x_claim.idx"), "wb") as f:
    f.write(bytes([0, 0, 8, 2]) + (10 ** 6).to_bytes(4, "big") + (144).to_bytes(4, "big")
            + bytes(3 * 144))
p = run(M("conv.bin"), "--input", M("x_claim.idx"), "--limit", "2", "--json", out)
check(p.returncode == 1 and "truncated" in p.stderr, "uncompressed file checked against its size", p)
with open(M("x_claim.idx.gz"), "wb") as f:
    f.write(gzip.compress(open(M("x_claim.idx"), "rb").read()))
p = run(M("conv.bin"), "--input", M("x_claim.idx.gz"), "--limit", "2", "--json", out)
check(p.returncode == 0 and json.load(open(out))["samples"] == 2, "--limit 2 of a gz claiming 10^6", p)
expect_error([M("conv.bin"), "--input", M("x_claim.idx.gz"), "--max-input-bytes", "100000"],
             "needs more than the input limit of 100000 bytes", "byte limit")

# --- the output path is checked before anything is read ----------------------------------------
expect_error([M("conv.bin"), "--input", M("nothing.npy"), "--json", M("nodir/r.json")],
             "the output folder", "json folder checked first")
p = run(M("conv.bin"), "--input", M("nothing.npy"), "--json", M("nodir/r.json"))
check("nothing.npy" not in p.stderr, "json path checked before the input is opened", p)

# --- run report: identity, status, version, --min-accuracy -----------------------------------
p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--json", out)
j = json.load(open(out))
with open(M("conv.bin"), "rb") as f:
    head = f.read(32)
check(j["schema_version"] == 1 and j["status"] == "ok", "json schema_version and status", p)
check(j["model"]["crc32"] == int.from_bytes(head[24:28], "little")
      and j["model"]["payload_bytes"] == int.from_bytes(head[16:24], "little")
      and j["model"]["num_steps"] == 6 and j["model"]["layers"][1] == "conv1",
      "json model identity from the model.bin header", p)
acc = j["accuracy"]
p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--min-accuracy", str(acc))
check(p.returncode == 0, "--min-accuracy at the accuracy passes", p)
p = run(M("conv.bin"), "--input", M("x.npy"), "--labels", M("y.npy"), "--json", out,
        "--min-accuracy", str(min(1.0, acc + 0.01)))
check(p.returncode == 3 and "--min-accuracy" in p.stderr and json.load(open(out))["status"] == "ok",
      "--min-accuracy above the accuracy exits 3, the report is still written", p)
p = run("--version")
check(p.returncode == 0 and p.stdout.startswith("snnc-run 0.") and "model.bin format version 1" in p.stdout
      and "CPU kernels: " in p.stdout, "--version", p)
p = run("--version", env={"SNNC_KERNELS": "baseline"})
check("CPU kernels: baseline" in p.stdout, "--version names the kernels chosen", p)
leftovers = [f for f in os.listdir(WORK) if ".tmp." in f]
check(not leftovers, f"no temporary files left: {leftovers}")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("all snnc-run CLI checks passed")
