#!/usr/bin/env python3
"""Import speed of snnc on a synthetic VGG11-size BNTT network (about 9.2M parameters).

Writes a profile-v1 ONNX model (VGG11 for 3x32x32 inputs: 8 conv3x3 layers, each followed by
BNTT and LIF, average pooling, one fc layer, readout; T = 20; random weights), then runs
`snnc -v` on it a few times and prints the time of each stage (import, passes, model.bin).

  bench/import_vgg11.py [--snnc build/bin/snnc] [--runs 3]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CFG = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
T = 20


def build(path):
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    nodes.append(helper.make_node("PoissonEncode", ["input"], ["x0"], name="encode", domain="ai.snnc"))
    x, c, conv, pool = "x0", 3, 0, 0
    params = 0
    for v in CFG:
        if v == "M":
            pool += 1
            nodes.append(helper.make_node("AveragePool", [x], [f"pool{pool}"], name=f"pool{pool}",
                                          kernel_shape=[2, 2], strides=[2, 2]))
            x = f"pool{pool}"
            continue
        conv += 1
        w = rng.normal(0, (2.0 / (9 * c)) ** 0.5, size=(v, c, 3, 3)).astype(np.float32)
        params += w.size
        inits.append(numpy_helper.from_array(w, f"conv{conv}.w"))
        for name, value in (("scale", 1.0), ("mean", 0.0), ("var", 1.0)):
            inits.append(numpy_helper.from_array(np.full((T, v), value, np.float32), f"bntt{conv}.{name}"))
        nodes += [
            helper.make_node("Conv", [x, f"conv{conv}.w"], [f"conv{conv}"], name=f"conv{conv}",
                             kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
            helper.make_node("BNTT", [f"conv{conv}", f"bntt{conv}.scale", f"bntt{conv}.mean", f"bntt{conv}.var"],
                             [f"bntt{conv}"], name=f"bntt{conv}", domain="ai.snnc"),
            helper.make_node("LIF", [f"bntt{conv}"], [f"lif{conv}"], name=f"lif{conv}", domain="ai.snnc", leak=0.95),
        ]
        x, c = f"lif{conv}", v
    nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten"))
    fc = rng.normal(0, 0.05, size=(10, 512)).astype(np.float32)
    params += fc.size
    inits.append(numpy_helper.from_array(fc, "fc.w"))
    nodes.append(helper.make_node("Gemm", ["flat", "fc.w"], ["fc"], name="fc", transB=1))
    nodes.append(helper.make_node("Readout", ["fc"], ["logits"], name="readout", domain="ai.snnc"))
    graph = helper.make_graph(nodes, "vgg11",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 32, 32])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.snnc", 1)])
    model.ir_version = 8
    helper.set_model_props(model, {"snnc.profile": "1", "snnc.num_steps": str(T)})
    onnx.save(model, path)
    return params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snnc", default="build/bin/snnc")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "vgg11.onnx")
        params = build(path)
        size = os.path.getsize(path)
        print(f"synthetic VGG11 BNTT network: {params / 1e6:.2f}M parameters, {size / 2**20:.1f} MiB ONNX, T = {T}")
        for run in range(args.runs):
            out = subprocess.run([args.snnc, "-v", path, "-o", os.path.join(tmp, "model.bin")],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(out.stderr)
            stages = dict(re.findall(r"snnc: (imported|folded|wrote model.bin) in ([0-9.]+) ms", out.stderr))
            total = sum(float(v) for v in stages.values())
            print(f"run {run + 1}: import {float(stages['imported']):7.1f} ms   passes {float(stages['folded']):7.1f} ms"
                  f"   model.bin {float(stages['wrote model.bin']):7.1f} ms   total {total:7.1f} ms"
                  f"   ({size / 2**20 / (float(stages['imported']) / 1000):.0f} MiB/s import)")


if __name__ == "__main__":
    main()
