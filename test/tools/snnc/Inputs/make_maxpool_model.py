#!/usr/bin/env python3
"""Writes a small snnc-profile ONNX network with max pooling: `make_maxpool_model.py CASE OUT.onnx`.

Used by the max-pool relay tests (snnc --max-pool-relays, snnc-map, snnc --target). Built with
onnx.helper only (no PyTorch). Input [N, 2, 16, 16], T = 6, Poisson encoding, BNTT + LIF.

  spikes  max pooling only of binary spikes, in every form the rewrite must keep exact: of the
          encoder's spikes (2x2 stride 1, padded bottom/right), of a LIF (3x3 stride 2, pad 1:
          overlapping windows), of another max pool (a chain) and a last 2x2 stride 2 before
          the classifier
  graded  a max pool of a convolution's graded output (the rewrite and the mapper refuse it)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

T = 6


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def bntt(name, x, out, channels, rng, inits):
    inits += [tensor(name + ".scale", 0.6 + 0.8 * rng.random((T, channels))),
              tensor(name + ".mean", np.zeros((T, channels))),
              tensor(name + ".var", np.ones((T, channels)))]
    return helper.make_node("BNTT", [x, name + ".scale", name + ".mean", name + ".var"], [out], name=name,
                            domain="ai.snnc", epsilon=1e-4)


def lif(name, x, out):
    return helper.make_node("LIF", [x], [out], name=name, domain="ai.snnc", leak=0.9, threshold=1.0, reset="soft")


def maxpool(name, x, out, kernel, stride, pads):
    return helper.make_node("MaxPool", [x], [out], name=name, kernel_shape=[kernel, kernel],
                            strides=[stride, stride], pads=pads)


def conv(name, x, out, cin, cout, rng, inits):
    inits.append(tensor(name + ".w", rng.normal(scale=1.2, size=(cout, cin, 3, 3))))
    return helper.make_node("Conv", [x, name + ".w"], [out], name=name, kernel_shape=[3, 3], pads=[1, 1, 1, 1])


def spikes(rng, inits):
    nodes = [
        helper.make_node("PoissonEncode", ["input"], ["s0"], name="encode", domain="ai.snnc", scale=1.0,
                         signed=0),
        maxpool("pool0", "s0", "p0", 2, 1, [0, 0, 1, 1]),
        conv("conv1", "p0", "c1", 2, 4, rng, inits), bntt("bntt1", "c1", "b1", 4, rng, inits),
        lif("lif1", "b1", "l1"),
        maxpool("pool1", "l1", "p1", 3, 2, [1, 1, 1, 1]),
        maxpool("pool2", "p1", "p2", 2, 2, [0, 0, 0, 0]),
        conv("conv2", "p2", "c2", 4, 4, rng, inits), bntt("bntt2", "c2", "b2", 4, rng, inits),
        lif("lif2", "b2", "l2"),
        maxpool("pool3", "l2", "p3", 2, 2, [0, 0, 0, 0]),
    ]
    return nodes, "p3", 4 * 2 * 2


def graded(rng, inits):
    nodes = [
        helper.make_node("PoissonEncode", ["input"], ["s0"], name="encode", domain="ai.snnc", scale=1.0,
                         signed=0),
        conv("conv1", "s0", "c1", 2, 4, rng, inits),
        maxpool("gpool", "c1", "p1", 2, 2, [0, 0, 0, 0]),
        bntt("bntt1", "p1", "b1", 4, rng, inits), lif("lif1", "b1", "l1"),
    ]
    return nodes, "l1", 4 * 8 * 8


def main():
    case, out = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(3)
    inits = []
    nodes, last, features = {"spikes": spikes, "graded": graded}[case](rng, inits)
    inits += [tensor("fc.w", rng.normal(size=(3, features))), tensor("fc.b", np.zeros(3))]
    nodes += [helper.make_node("Flatten", [last], ["f"], name="flatten", axis=1),
              helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["g"], name="fc", transB=1),
              helper.make_node("Readout", ["g"], ["logits"], name="readout", domain="ai.snnc")]
    graph = helper.make_graph(nodes, case, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 2, 16, 16])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.snnc", 1)])
    model.ir_version = 8
    helper.set_model_props(model, {"snnc.profile": "1", "snnc.num_steps": str(T), "snnc.model_name": case})
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    main()
