#!/usr/bin/env python3
"""Writes an snn-dialect network at a size limit of snnc/Support/Limits.h, for lit tests.

usage: make_limits.py --layers N --steps T --name-length L OUT.mlir

The network is encode -> (dense 2x2 -> lif) * k -> [dense 2x2] -> dense -> readout, with k
and the optional dense chosen so that model.bin has exactly N layers; the first LIF layer's
name is padded to L bytes.
"""
import argparse

ap = argparse.ArgumentParser()
ap.add_argument("--layers", type=int, default=5)
ap.add_argument("--steps", type=int, default=4)
ap.add_argument("--name-length", type=int, default=4)
ap.add_argument("out")
args = ap.parse_args()

body = ["    %v0 = snn.poisson_encode %x scale(1.0) : tensor<2xf32> -> tensor<2x!snn.spike> loc(\"encode\")"]
pairs = (args.layers - 3) // 2
extra_dense = (args.layers - 3) % 2 == 1
value = "%v0"
kind = "tensor<2x!snn.spike>"
count = 1
W = "{weight = dense<[[0.5, 0.25], [0.25, 0.5]]> : tensor<2x2xf32>}"
for i in range(pairs):
    body.append(f"    %d{i} = snn.dense {value} {W} : {kind} -> tensor<2xf32> loc(\"fc{i}\")")
    name = f"lif{i}"
    if i == 0:
        name = name + "x" * max(0, args.name_length - len(name))
    body.append(f"    %l{i} = snn.lif %d{i} {{leak = 0.95 : f32, threshold = 1.0 : f32, reset = #snn.reset<soft>}}"
                f" : tensor<2xf32> -> tensor<2x!snn.spike> loc(\"{name}\")")
    value, kind = f"%l{i}", "tensor<2x!snn.spike>"
    count += 2
if extra_dense:
    body.append(f"    %e = snn.dense {value} {W} : {kind} -> tensor<2xf32> loc(\"extra\")")
    value, kind = "%e", "tensor<2xf32>"
    count += 1
body.append(f"    %o = snn.dense {value} {W} : {kind} -> tensor<2xf32> loc(\"out\")")
body.append("    %r = snn.readout %o : tensor<2xf32> -> tensor<2xf32> loc(\"readout\")")
body.append("    snn.output %r : tensor<2xf32>")
count += 2
assert count == args.layers, (count, args.layers)
with open(args.out, "w") as f:
    f.write("module {\n")
    f.write(f"  snn.network @limits(%x: tensor<2xf32>) -> tensor<2xf32> attributes {{num_steps = {args.steps} : i64}} {{\n")
    f.write("\n".join(body) + "\n  }\n}\n")
