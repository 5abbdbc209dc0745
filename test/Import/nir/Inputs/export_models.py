"""export_models.py CASE OUT: snnc-profile ONNX models for the --emit=nir tests (onnx.helper
only), with images OUT.x.npy [N, 1, 6, 6] and their per-step copies OUT.steps.npy [N, T, ...]
(a DirectEncode network reads the same tensor every step, which is what its NIR Input gets).

static  DirectEncode, Conv, static BatchNormalization, LIF (hard reset to 0.25), AveragePool,
        Flatten, Gemm, LIF (hard), Readout: exportable exactly (BN folds into the conv)
analog  as static without the last LIF: the Readout averages the Gemm's current (NIR's Output
        right after an Affine)
bntt    the static model with a BNTT (per-step tables): refused, or kept under metadata/
soft    the static model with soft resets: refused, or the reset kept under metadata/
maxpool the static model with MaxPool instead of AveragePool: refused
roundtrip  a Poisson encoder (unsigned), BNTT whose gamma falls below 0.1 at the last step (early
        exit after 3 of 4 steps) and soft resets: what --nir-metadata keeps and snnc reads back
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

T, C, N = 4, 3, 24


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array, np.float32), name)


def model(case):
    rng = np.random.default_rng(7)
    inits = [tensor("conv1.w", rng.normal(0, 0.6, (C, 1, 3, 3))), tensor("conv1.b", rng.normal(0, 0.1, C)),
             tensor("fc1.w", rng.normal(0, 0.5, (5, C * 2 * 2))), tensor("fc1.b", rng.normal(0, 0.1, 5))]
    if case in ("bntt", "roundtrip"):
        scale = rng.uniform(0.5, 1.5, (T, C))
        if case == "roundtrip":
            scale[-1] = 0.05
        inits += [tensor("bn.scale", scale), tensor("bn.mean", rng.normal(0, 0.1, (T, C))),
                  tensor("bn.var", rng.uniform(0.5, 1.5, (T, C)))]
        norm = helper.make_node("BNTT", ["c1", "bn.scale", "bn.mean", "bn.var"], ["b1"], name="bn1",
                                domain="ai.snnc", epsilon=1e-4)
    else:
        inits += [tensor("bn.scale", rng.uniform(0.5, 1.5, C)), tensor("bn.bias", rng.normal(0, 0.1, C)),
                  tensor("bn.mean", rng.normal(0, 0.1, C)), tensor("bn.var", rng.uniform(0.5, 1.5, C))]
        norm = helper.make_node("BatchNormalization", ["c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["b1"],
                                name="bn1", epsilon=1e-5)
    reset = "soft" if case in ("soft", "roundtrip") else "hard"
    pool = (helper.make_node("MaxPool", ["l1"], ["p1"], name="pool1", kernel_shape=[3, 3], strides=[3, 3])
            if case == "maxpool" else
            helper.make_node("AveragePool", ["l1"], ["p1"], name="pool1", kernel_shape=[3, 3], strides=[3, 3]))
    encode = (helper.make_node("PoissonEncode", ["input"], ["s0"], name="encode", domain="ai.snnc", scale=1.0,
                               signed=0)
              if case == "roundtrip" else
              helper.make_node("DirectEncode", ["input"], ["s0"], name="encode", domain="ai.snnc"))
    nodes = [
        encode,
        helper.make_node("Conv", ["s0", "conv1.w", "conv1.b"], ["c1"], name="conv1", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        norm,
        helper.make_node("LIF", ["b1"], ["l1"], name="lif1", domain="ai.snnc", leak=0.9,
                         threshold=0.25 if case == "roundtrip" else 0.5, reset=reset),
        pool,
        helper.make_node("Flatten", ["p1"], ["f1"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f1", "fc1.w", "fc1.b"], ["g1"], name="fc1", transB=1),
    ]
    if case == "analog":
        nodes.append(helper.make_node("Readout", ["g1"], ["logits"], name="readout", domain="ai.snnc"))
    else:
        nodes += [helper.make_node("LIF", ["g1"], ["l2"], name="lif2", domain="ai.snnc", leak=1.0,
                                   threshold=0.1 if case == "roundtrip" else 0.7, reset=reset),
                  helper.make_node("Readout", ["l2"], ["logits"], name="readout", domain="ai.snnc")]
    graph = helper.make_graph(nodes, case, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 6, 6])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 5])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.snnc", 1)])
    m.ir_version = 8
    helper.set_model_props(m, {"snnc.profile": "1", "snnc.num_steps": str(T), "snnc.model_name": case})
    return m


def main():
    case, out = sys.argv[1], sys.argv[2]
    save(model(case), out + ".onnx")
    x = np.random.default_rng(1).uniform(0, 1, (N, 1, 6, 6)).astype(np.float32)
    np.save(out + ".x.npy", x)
    np.save(out + ".steps.npy", np.repeat(x[:, None], T, axis=1))


if __name__ == "__main__":
    main()
