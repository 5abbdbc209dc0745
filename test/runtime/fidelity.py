#!/usr/bin/env python3
"""Fidelity test: a compiled model on its golden set gives the PyTorch reference's answers.

  fidelity.py --snnc-run BIN (--snnc BIN | --writer) --model-dir models/NAME --work DIR
              [--full-test] [--tolerance F]

Compiles models/NAME/model.onnx with `snnc` (or, with --writer, snncref.modelbin (python/snncref/modelbin.py, protoc-generated schema code), an
unfolded stand-in used while the compiler is not available), runs snnc-run --full on
golden/inputs.npy (rows = test-set indices 0..255, encoder sample index n = row, seed from
golden.json) and checks:
  - predictions equal golden/predictions.npy on every sample (exact);
  - spikes per LIF node per step, summed over samples, equal golden/spikes_<node>.npy summed over
    samples; and per sample and step. Exact equality is expected; synaptic sums are accumulated in
    another order than PyTorch's, so a neuron whose membrane is within float32 rounding of its
    threshold may flip. The allowed difference is --tolerance (default 0.001) times the total
    spike count of the node, and every difference is reported;
  - the readout values equal golden/logits.npy within 1e-4 (absolute) on every sample whose spike
    trains are identical (a flipped spike moves a logit by one readout weight / T);
  - every kernel table the CPU runs (SNNC_KERNELS=avx512|avx2|baseline) gives bit-identical
    predictions, outputs, per-sample spike counts and synaptic events;
  - with --snnc, when the model has max pooling: the relay form (`snnc --max-pool-relays`) has no
    MAX_POOL2D layer left, each pool is a LIF layer of its name reading a CONV2D (the relay), every
    relay fires, and its run passes the same golden checks and is bit-identical to the unrewritten
    model's (predictions, outputs, per-sample spikes of every original LIF node); so is the 8-bit
    integer model's (--quantize=loihi) relay form to its max-pool form.
With --full-test it also runs the whole test set of the model's dataset and prints the compiled
model's accuracy next to the reference's (info.json), at T and at T_exit.
Exit code 0 when all checks pass.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def compile_model(name, cmd, model_bin):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(model_bin):
        print(f"FAIL {name}: compiling failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
        return False
    return True


def run_all_kernels(name, run, work, tag):
    """snnc-run `run` (its last 5 arguments are the --json ... --quiet tail) with the default kernel
    table and every forced one. Returns (default run's JSON or None, all tables gave the same bits)."""
    out_json = os.path.join(work, f"{tag}.json")
    run = run + ["--json", out_json, "--outputs", "--sample-spikes", "--quiet"]
    p = subprocess.run(run, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"FAIL {name}: snnc-run failed: {' '.join(run)}\n{p.stdout}{p.stderr}")
        return None, False
    r = json.load(open(out_json))
    ok = True
    # Every kernel table this machine runs (SNNC_KERNELS; a forced ISA the CPU lacks falls back to
    # the next one down, and run.json's "kernels" names the table used) gives the same bits.
    seen = {r["kernels"]: r}
    for isa in ("avx512", "avx2", "baseline"):
        j = os.path.join(work, f"{tag}-{isa}.json")
        p = subprocess.run(run[:-5] + ["--json", j, "--outputs", "--sample-spikes", "--quiet"],
                           capture_output=True, text=True, env=dict(os.environ, SNNC_KERNELS=isa))
        if p.returncode != 0:
            print(f"FAIL {name}: snnc-run with SNNC_KERNELS={isa} failed\n{p.stdout}{p.stderr}")
            return None, False
        ri = json.load(open(j))
        if ri["kernels"] in seen:
            continue
        seen[ri["kernels"]] = ri
        same = all(ri[k] == r[k] for k in ("predictions", "outputs", "sample_spikes", "synaptic_events"))
        print(f"{name}: {ri['kernels']} kernels {'give the same bits as' if same else 'DIFFER from'} "
              f"{r['kernels']}")
        ok &= same
    print(f"{name}: kernel tables compared: {', '.join(sorted(seen))}")
    return r, ok


def compare_golden(name, gdir, r, tolerance):
    """The golden checks of the module docstring on one snnc-run result; True when they pass."""
    want_pred = np.load(os.path.join(gdir, "predictions.npy"))
    got_pred = np.array(r["predictions"])
    bad = np.nonzero(want_pred != got_pred)[0]
    print(f"{name}: predictions {len(want_pred) - len(bad)}/{len(want_pred)} equal to the reference"
          + (f"; differ at samples {bad.tolist()[:20]}" if len(bad) else ""))
    ok = len(bad) == 0

    flipped = np.zeros(len(want_pred), bool)
    for fname in sorted(os.listdir(gdir)):
        if not (fname.startswith("spikes_") and fname.endswith(".npy")):
            continue
        node = fname[len("spikes_"):-4]
        want = np.load(os.path.join(gdir, fname))  # [N, T]
        if node not in r["sample_spikes"]:
            print(f"FAIL {name}: LIF node '{node}' missing from snnc-run's spike counts")
            ok = False
            continue
        got = np.array(r["sample_spikes"][node])
        per_step = np.abs(got.sum(0) - want.sum(0))
        total = int(want.sum())
        diff = int(np.abs(got - want).sum())
        samples = int((got != want).any(1).sum())
        exact = diff == 0
        print(f"{name}: {node}: {total} spikes; per-step totals {'equal' if not per_step.any() else 'differ by ' + str(per_step.tolist())}; "
              f"per sample and step |difference| {diff} ({samples} samples differ)")
        ok &= exact or diff <= tolerance * total
        flipped |= (got != want).any(1)

    # A flipped spike moves the readout by one weight / T, so logits are held to 1e-4 only on the
    # samples whose spike trains are identical; the others are reported (their predictions are
    # checked above).
    logits = np.load(os.path.join(gdir, "logits.npy"))
    dl = np.abs(np.array(r["outputs"], np.float32) - logits).max(1)
    same = ~flipped
    exact_dl = float(dl[same].max()) if same.any() else 0.0
    print(f"{name}: readout max |difference| to golden logits: {exact_dl:.3g} on the "
          f"{int(same.sum())} samples with identical spikes"
          + (f", {float(dl[flipped].max()):.3g} on the {int(flipped.sum())} with a flipped spike"
             if flipped.any() else ""))
    return ok and exact_dl <= 1e-4


def layer_kinds(model_bin):
    """[(name, kind name, [input layer names])] of a model.bin (via the protoc-generated schema)."""
    from snncref import fixedpoint
    pb = fixedpoint._generated()
    layers = fixedpoint.read(model_bin).layers
    return [(l.name, pb.Layer.Kind.Name(l.kind), [layers[i].name for i in l.inputs]) for l in layers]


def check_max_pool_relays(a, name, onnx_path, model_bin, run, r, gdir):
    """The relay form of the model's max pools against the golden set and the unrewritten run (the
    module docstring); True when the model has no max pooling."""
    pools = [n for n, kind, _ in layer_kinds(model_bin) if kind == "MAX_POOL2D"]
    if not pools:
        return True
    relay_bin = os.path.join(a.work, "model-relays.bin")
    if not compile_model(name, [a.snnc, onnx_path, "--max-pool-relays", "-o", relay_bin], relay_bin):
        return False
    kinds = {n: (kind, ins) for n, kind, ins in layer_kinds(relay_bin)}
    ok = True
    for p in pools:
        kind, ins = kinds.get(p, (None, []))
        relay = kind == "LIF" and len(ins) == 1 and kinds[ins[0]][0] == "CONV2D"
        print(f"{name}: relay form: '{p}' is {'a LIF reading CONV2D ' + repr(ins[0]) if relay else 'NOT a relay'}")
        ok &= relay
    left = [n for n, (kind, _) in kinds.items() if kind == "MAX_POOL2D"]
    if left:
        print(f"FAIL {name}: relay form still has MAX_POOL2D layers {left}")
        ok = False
    rr, same_kernels = run_all_kernels(name + " (relays)", [run[0], relay_bin] + run[2:], a.work,
                                       "golden-run-relays")
    if rr is None:
        return False
    ok &= same_kernels and compare_golden(name + " (relays)", gdir, rr, a.tolerance)
    same = same_runs(name, "float model (predictions, outputs, spikes of "
                     f"{', '.join(sorted(r['sample_spikes']))})", (r, rr))
    for p in pools:
        fired = int(np.sum(rr["sample_spikes"].get(p, [[0]])))
        print(f"{name}: relay '{p}' fired {fired} times")
        ok &= fired > 0
    return ok and same and check_integer_relays(a, name, onnx_path, run)


def same_runs(name, what, runs):
    """Two snnc-run JSON results: bit-identical predictions, outputs, and spikes of the first's LIF
    nodes (the second may have more: the relays)."""
    x, y = runs
    same = x["predictions"] == y["predictions"] and x["outputs"] == y["outputs"] and all(
        y["sample_spikes"].get(n) == c for n, c in x["sample_spikes"].items())
    print(f"{name}: {what}: relay form {'bit-identical to' if same else 'DIFFERS from'} the max-pool form")
    return same


def check_integer_relays(a, name, onnx_path, run):
    """The 8-bit integer model (--quantize=loihi) with and without --max-pool-relays gives the same
    bits: the relay form is what a chip runs."""
    runs = []
    for tag, extra in (("int8", []), ("int8-relays", ["--max-pool-relays"])):
        mbin = os.path.join(a.work, f"model-{tag}.bin")
        if not compile_model(name, [a.snnc, onnx_path, "--quantize=loihi", "--weight-bits", "8",
                                    *extra, "-o", mbin], mbin):
            return False
        j = os.path.join(a.work, f"golden-run-{tag}.json")
        cmd = [run[0], mbin] + run[2:] + ["--json", j, "--outputs", "--sample-spikes", "--quiet"]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            print(f"FAIL {name}: snnc-run failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
            return False
        runs.append(json.load(open(j)))
    return same_runs(name, "8-bit integer model", runs)


def full_test(a, name, info, model_bin):
    from snncref import data
    x, y = data.load(info["dataset"], "test", shape=info["input_shape"])
    np.save(os.path.join(a.work, "test-x.npy"), np.ascontiguousarray(x, np.float32))
    np.save(os.path.join(a.work, "test-y.npy"), y.astype(np.int64))
    for label, extra in (("T", ["--full"]), ("T_exit", [])):
        j = os.path.join(a.work, f"test-{label}.json")
        p = subprocess.run([a.snnc_run, model_bin, "--input", os.path.join(a.work, "test-x.npy"), "--labels",
                            os.path.join(a.work, "test-y.npy"), "--json", j, "--quiet", "--threads", a.threads,
                            *extra], capture_output=True, text=True)
        if p.returncode:
            print(p.stderr)
            return False
        res = json.load(open(j))
        steps = res["steps"]
        ref = info.get("accuracy_per_exit_step", [None] * steps)[steps - 1]
        print(f"{name}: full test set ({res['samples']} samples), {label} = {steps} steps: compiled "
              f"{res['accuracy']:.4f}, reference {ref if ref is None else format(ref, '.4f')}, "
              f"{res['samples_per_second']:.0f} samples/s")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc-run", required=True)
    ap.add_argument("--snnc")
    ap.add_argument("--writer", action="store_true")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--full-test", action="store_true")
    ap.add_argument("--tolerance", type=float, default=0.001)
    ap.add_argument("--threads", default="2")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    name = os.path.basename(os.path.normpath(a.model_dir))
    gdir = os.path.join(a.model_dir, "golden")
    golden = json.load(open(os.path.join(gdir, "golden.json")))
    info = json.load(open(os.path.join(a.model_dir, "info.json")))
    onnx_path = os.path.join(a.model_dir, "model.onnx")
    model_bin = os.path.join(a.work, "model.bin")
    if a.writer:
        cmd = [sys.executable, "-m", "snncref.modelbin", onnx_path, model_bin,
               "--early-exit-step", str(info.get("early_exit_step", golden["num_steps"]))]
    else:
        cmd = [a.snnc, onnx_path, "-o", model_bin]
    if not compile_model(name, cmd, model_bin):
        return 1

    run = [a.snnc_run, model_bin, "--input", os.path.join(gdir, "inputs.npy"), "--labels",
           os.path.join(gdir, "labels.npy"), "--full", "--seed", str(golden.get("seed", 0)),
           "--threads", a.threads]
    r, ok = run_all_kernels(name, run, a.work, "golden-run")
    if r is None:
        return 1
    ok &= compare_golden(name, gdir, r, a.tolerance)
    if not a.writer:
        ok &= check_max_pool_relays(a, name, onnx_path, model_bin, run, r, gdir)
    if a.full_test and not full_test(a, name, info, model_bin):
        return 1
    print(("PASS " if ok else "FAIL ") + name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
