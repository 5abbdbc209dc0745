#!/usr/bin/env python3
"""Checks snnc's --emit=summary of a shipped model against the model's info.json.

info.json is written by the PyTorch reference (python/snncref), an independent
computation of the mean gamma per step and of the early-exit step. Prints one
line per check, so a lit test can FileCheck it.
"""
import json
import sys

summary = json.load(open(sys.argv[1]))
info = json.load(open(sys.argv[2]))

print("num_steps", summary["num_steps"] == info["num_steps"])
print("early_exit_step", summary["early_exit_step"] == info["early_exit_step"],
      summary["early_exit_step"])
reference = info.get("gamma_mean", {})
ok = sorted(reference) == sorted(summary["gamma_mean"])
for layer, means in reference.items():
    ours = summary["gamma_mean"].get(layer, [])
    ok = ok and len(ours) == len(means) and all(
        abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(ours, means))
print("gamma_mean", ok)
lifs = [layer["name"] for layer in summary["layers"] if layer["kind"] == "lif"]
print("lif_layers", " ".join(lifs))
print("no_bntt_left", all(layer["kind"] != "channel_affine" for layer in summary["layers"]))
