#!/usr/bin/env python3
"""Structure-aware fuzzing of snnc: mutates valid models at the ONNX level and compiles them.

  test/fuzz/mutate_models.py [--seed S] [--count N] [--snnc build/bin/snnc] [--snnc-run build/bin/snnc-run]

Each case applies 1-3 random edits (attribute values, dims, inputs, op types, domains, node order,
input shape, element types, truncated data, num_steps, extra outputs) to a generated or shipped
model, runs `snnc MODEL -o model.bin`, and checks that it exits 0 or 1 (1 with an error message),
never crashes or hangs, and that every model.bin it writes passes the runtime's validation
(`snnc-run --dump`). Offending inputs are saved in the work folder. Not part of CI (byte-level
libFuzzer covers the parser; this reaches the op handlers and passes with well-formed protobufs).
"""
import argparse
import copy
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_model", os.path.join(ROOT, "test", "Import", "Inputs", "make_model.py"))
mm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mm)
import onnx  # noqa: E402
from onnx import helper  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--count", type=int, default=300)
ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build", "bin", "snnc-run"))
ap.add_argument("--work", default=tempfile.mkdtemp(prefix="snnc-mutate-"))
args = ap.parse_args()
rng = random.Random(args.seed)
bases = []
for c in ["valid", "reshape-constant", "identities", "v2-neurons", "v2-zero-reset", "v2-integrator"]:
    m = mm.base()
    mm.CASES[c](m)
    bases.append(m)
for name in ["digits-bntt-mlp", "digits-bntt-deep", "fmnist-bntt-conv"]:
    bases.append(onnx.load(os.path.join(ROOT, "models", name, "model.onnx")))


def mutate(m):
    g = m.graph
    k = rng.randrange(14)
    if k == 0 and g.node:
        n = rng.choice(g.node)
        if n.attribute:
            a = rng.choice(n.attribute)
            if a.type == onnx.AttributeProto.FLOAT: a.f = rng.choice([0.0, -1.0, 1e30, float('nan'), float('inf'), 2.0])
            elif a.type == onnx.AttributeProto.INT: a.i = rng.choice([0, -1, 2, 1 << 40, 3])
            elif a.type == onnx.AttributeProto.INTS:
                del a.ints[:]; a.ints.extend(rng.choice([[], [0], [1, 1], [-1, 2], [100, 100], [1, 1, 1, 1], [0, 0, 0, 0, 0]]))
            elif a.type == onnx.AttributeProto.STRING: a.s = rng.choice([b"", b"hard", b"SAME_UPPER", b"VALID", b"x"])
    elif k == 1 and g.initializer:
        t = rng.choice(g.initializer)
        if t.dims: t.dims[rng.randrange(len(t.dims))] = rng.choice([0, 1, 2, -5, 7, 1 << 33])
    elif k == 2 and g.node:
        n = rng.choice(g.node)
        if n.input: n.input[rng.randrange(len(n.input))] = rng.choice([x for nn in g.node for x in nn.output] + [t.name for t in g.initializer] + ["", "nope", g.input[0].name])
    elif k == 3 and g.node:
        n = rng.choice(g.node)
        n.op_type = rng.choice(["Conv", "Gemm", "MatMul", "Add", "AveragePool", "MaxPool", "Flatten", "Reshape", "BatchNormalization", "LIF", "BNTT", "Readout", "PoissonEncode", "DirectEncode", "Identity", "Constant"])
    elif k == 4 and g.node:
        n = rng.choice(g.node); n.domain = rng.choice(["", "ai.snnc", "ai.onnx"])
    elif k == 5 and g.node:
        i = rng.randrange(len(g.node)); n = g.node[i]; del g.node[i]
    elif k == 6 and len(g.node) > 1:
        i, j = rng.randrange(len(g.node)), rng.randrange(len(g.node))
        a, b = copy.deepcopy(g.node[i]), copy.deepcopy(g.node[j]); g.node[i].CopyFrom(b); g.node[j].CopyFrom(a)
    elif k == 7:
        d = g.input[0].type.tensor_type.shape.dim
        if len(d) > 1: d[rng.randrange(1, len(d))].dim_value = rng.choice([0, 1, 3, 1000])
    elif k == 8 and g.initializer:
        t = rng.choice(g.initializer); t.data_type = rng.choice([1, 7, 11, 10])
    elif k == 9 and g.node:
        n = rng.choice(g.node)
        n.attribute.append(helper.make_attribute(rng.choice(["leak", "kernel_shape", "epsilon", "axis", "value"]), rng.choice([1.0, 2, [1, 2], "s"])))
    elif k == 10 and g.initializer:
        t = rng.choice(g.initializer)
        if t.raw_data: t.raw_data = t.raw_data[: rng.randrange(len(t.raw_data) + 1)]
    elif k == 11:
        props = {p.key: p.value for p in m.metadata_props}
        props["snnc.num_steps"] = rng.choice(["1", "3", "20", "0", "-2", "abc", "21"])
        del m.metadata_props[:]; helper.set_model_props(m, props)
    elif k == 12 and g.node:
        n = rng.choice(g.node)
        if n.output: n.output.append("extra_out")
    elif k == 13 and g.node:
        n = rng.choice(g.node); del n.input[:]
    return m

counts = {}
model_path = os.path.join(args.work, "m.onnx")
bin_path = os.path.join(args.work, "m.bin")
bad = 0
for it in range(args.count):
    m = copy.deepcopy(rng.choice(bases))
    for _ in range(rng.randrange(1, 4)):
        mutate(m)
    data = m.SerializeToString()
    open(model_path, "wb").write(data)
    try:
        p = subprocess.run([args.snnc, model_path, "-o", bin_path], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        open(f"{args.work}/hang-{it}.onnx", "wb").write(data); print("HANG", it)
        bad += 1
        continue
    rc = p.returncode
    counts[rc] = counts.get(rc, 0) + 1
    if rc not in (0, 1) or (rc == 1 and "error" not in p.stderr):
        open(f"{args.work}/crash-{it}.onnx", "wb").write(data); print("BAD", it, rc, p.stderr[-500:])
        bad += 1
    if rc == 0 and os.path.exists(bin_path):
        r = subprocess.run([args.snnc_run, bin_path, "--dump"], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            print("RUNTIME REJECTS", it, r.stderr[-300:])
            bad += 1
            open(f"{args.work}/rt-{it}.onnx", "wb").write(data)
        os.remove(bin_path)
print(f"{args.count} mutated models: exit codes {counts}, {bad} problems (inputs in {args.work})")
sys.exit(1 if bad else 0)
