#!/usr/bin/env python3
"""Writes a small snnc-profile ONNX model, optionally broken in one named way.

Used by the importer's lit tests: `make_model.py CASE OUT.onnx`. The base model
is a valid conv BNTT network (input [N,1,6,6], T = 3); every other case breaks
exactly one rule of docs/onnx-profile.md. Built with onnx.helper only, so the
tests need no PyTorch.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

T, C = 3, 2


def tensor(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def base():
    rng = np.random.default_rng(0)
    inits = [
        tensor("conv1.w", rng.normal(size=(C, 1, 3, 3))),
        tensor("bntt1.scale", np.full((T, C), 0.5)),
        tensor("bntt1.mean", np.zeros((T, C))),
        tensor("bntt1.var", np.ones((T, C))),
        tensor("fc1.w", rng.normal(size=(3, C * 2 * 2))),
        tensor("fc1.b", np.zeros(3)),
    ]
    nodes = [
        helper.make_node("PoissonEncode", ["input"], ["s0"], name="encode", domain="ai.snnc", scale=1.0, signed=0),
        helper.make_node("Conv", ["s0", "conv1.w"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[0, 0, 0, 0]),
        helper.make_node("BNTT", ["c1", "bntt1.scale", "bntt1.mean", "bntt1.var"], ["b1"], name="bntt1",
                         domain="ai.snnc", epsilon=1e-4),
        helper.make_node("LIF", ["b1"], ["l1"], name="lif1", domain="ai.snnc", leak=0.95, threshold=1.0, reset="soft"),
        helper.make_node("AveragePool", ["l1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p1"], ["f1"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f1", "fc1.w", "fc1.b"], ["g1"], name="fc1", transB=1),
        helper.make_node("Readout", ["g1"], ["logits"], name="readout", domain="ai.snnc"),
    ]
    graph = helper.make_graph(
        nodes, "base",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 6, 6])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.snnc", 1)])
    model.ir_version = 8
    helper.set_model_props(model, {"snnc.profile": "1", "snnc.num_steps": str(T), "snnc.model_name": "base"})
    return model


def node(m, name):
    return next(n for n in m.graph.node if n.name == name)


def init(m, name):
    return next(t for t in m.graph.initializer if t.name == name)


def set_attr(m, node_name, attr_name, value):
    n = node(m, node_name)
    for a in list(n.attribute):
        if a.name == attr_name:
            n.attribute.remove(a)
    if value is not None:
        n.attribute.append(helper.make_attribute(attr_name, value))


def replace_init(m, name, array, dtype=np.float32):
    t = init(m, name)
    t.CopyFrom(tensor(name, array, dtype))


def set_meta(m, key, value):
    props = {p.key: p.value for p in m.metadata_props}
    if value is None:
        props.pop(key, None)
    else:
        props[key] = value
    del m.metadata_props[:]
    helper.set_model_props(m, props)


def bntt_tables(m, name, array):
    replace_init(m, "bntt1." + name, array)


def conv_weight_inf(m):
    w = numpy_helper.to_array(init(m, "conv1.w")).copy()
    w[1, 0, 2, 1] = np.inf
    replace_init(m, "conv1.w", w)


def gamma_nan(m):
    g = np.full((T, C), 0.5, dtype=np.float32)
    g[2, 1] = np.nan
    bntt_tables(m, "scale", g)


def var_negative(m):
    v = np.ones((T, C), dtype=np.float32)
    v[1, 0] = -0.25
    bntt_tables(m, "var", v)


def add_cycle(m):
    node(m, "conv1").input[0] = "p1"


def second_input(m):
    m.graph.input.append(helper.make_tensor_value_info("extra", TensorProto.FLOAT, ["N", 3]))


def second_output(m):
    m.graph.output.append(helper.make_tensor_value_info("g1", TensorProto.FLOAT, ["N", 3]))


def no_input(m):
    del m.graph.input[:]


def duplicate_node_name(m):
    node(m, "pool1").name = "conv1"


def duplicate_value(m):
    node(m, "pool1").output[0] = "l1"


def duplicate_init(m):
    m.graph.initializer.append(tensor("fc1.b", np.zeros(3)))


def meta_duplicate(m):
    m.metadata_props.add(key="snnc.num_steps", value="3")


def external_data(m):
    t = init(m, "fc1.w")
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    entry = t.external_data.add()
    entry.key, entry.value = "location", "weights.bin"


def short_data(m):
    t = init(m, "fc1.w")
    t.raw_data = t.raw_data[:-4]


def zero_dim(m):
    t = init(m, "fc1.b")
    t.dims[0] = 0
    t.raw_data = b""


def negative_dim(m):
    init(m, "fc1.b").dims[0] = -3


def overflow_dims(m):
    t = init(m, "fc1.b")
    del t.dims[:]
    t.dims.extend([1 << 40, 1 << 40])


def double_weight(m):
    replace_init(m, "fc1.b", np.zeros(3), np.float64)


def int_input(m):
    m.graph.input[0].type.tensor_type.elem_type = TensorProto.INT64


def symbolic_channel(m):
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "C"


def bntt_not_initializer(m):
    node(m, "bntt1").input[1] = "c1"


def bntt_wrong_steps(m):
    for name in ("scale", "mean", "var"):
        bntt_tables(m, name, np.ones((T + 1, C)))


def bntt_wrong_channels(m):
    bntt_tables(m, "mean", np.zeros((T, C + 1)))


def output_not_readout(m):
    n = node(m, "readout")
    m.graph.node.remove(n)
    node(m, "fc1").output[0] = "logits"


def missing_initializer(m):
    m.graph.initializer.remove(init(m, "fc1.b"))


def unknown_op(m):
    node(m, "flatten").op_type = "Relu"
    set_attr(m, "flatten", "axis", None)


def other_domain_op(m):
    node(m, "lif1").domain = "com.example"
    m.opset_import.append(helper.make_opsetid("com.example", 1))


def gemm_k_mismatch(m):
    replace_init(m, "fc1.w", np.ones((3, 5)))


def reshape_constant(m):
    """Valid: Flatten written as Reshape of a Constant shape, as torch.onnx.export does."""
    n = node(m, "flatten")
    n.op_type = "Reshape"
    set_attr(m, "flatten", "axis", None)
    shape = helper.make_node("Constant", [], ["shape"], name="shape_const",
                             value=numpy_helper.from_array(np.array([0, -1], dtype=np.int64)))
    n.input.append("shape")
    m.graph.node.insert(0, shape)


def identities(m):
    """Valid: Identity on a weight (shared parameters) and on an activation."""
    node(m, "conv1").input[1] = "w_alias"
    node(m, "lif1").input[0] = "b1_alias"
    m.graph.node.insert(0, helper.make_node("Identity", ["conv1.w"], ["w_alias"], name="share_w"))
    m.graph.node.append(helper.make_node("Identity", ["b1"], ["b1_alias"], name="pass_b1"))


def constant_bad(m):
    reshape_constant(m)
    set_attr(m, "shape_const", "value_float", 1.0)


def normalised(m, mean=(0.5,), std=(0.25,)):
    """Valid: per-channel input normalisation on the encoder (attributes mean, std)."""
    set_attr(m, "encode", "mean", list(mean))
    set_attr(m, "encode", "std", list(std))


def bntt_beta(m):
    """Valid: BNTT with the optional fifth input beta [T, C]."""
    m.graph.initializer.append(tensor("bntt1.bias", [[0.25, -0.5]] * T))
    node(m, "bntt1").input.append("bntt1.bias")


def global_pool(m):
    """Valid: GlobalAveragePool [2, 4, 4] -> [2, 1, 1] in place of the 2x2 average pool."""
    p = node(m, "pool1")
    p.op_type = "GlobalAveragePool"
    del p.attribute[:]
    replace_init(m, "fc1.w", np.random.default_rng(1).normal(size=(3, C)))


def torch_export():
    """What torch.onnx.export writes for the official BNTT code: no ai.snnc domain, no metadata,
    the time loop unrolled (one Conv per step on the same weight), RandomUniformLike encoders."""
    w = tensor("conv1.weight", np.zeros((2, 1, 3, 3)))
    nodes, outs = [], []
    for t in range(3):
        nodes += [helper.make_node("RandomUniformLike", ["input"], [f"r{t}"], name=f"rand{t}"),
                  helper.make_node("LessOrEqual", [f"r{t}", "input"], [f"le{t}"], name=f"le{t}"),
                  helper.make_node("Cast", [f"le{t}"], [f"s{t}"], name=f"cast{t}", to=1),
                  helper.make_node("Conv", [f"s{t}", "conv1.weight"], [f"c{t}"], name=f"conv{t}",
                                   kernel_shape=[3, 3])]
        outs.append(f"c{t}")
    nodes.append(helper.make_node("Sum", outs, ["out"], name="sum"))
    graph = helper.make_graph(nodes, "torch_jit", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 6, 6])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 2, 4, 4])], [w])
    model = helper.make_model(graph, producer_name="pytorch", producer_version="1.13.0",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    return model


def v2(m):
    """Declares profile version 2 (snnc.profile "2", ai.snnc version 2)."""
    set_meta(m, "snnc.profile", "2")
    m.opset_import[1].version = 2


def tensor_attr(array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32))


def v2_with(changes):
    """Profile 2, then set_attr(node, attr, value) for every (node, attr, value)."""
    def apply(m):
        v2(m)
        for name, attr, value in changes:
            set_attr(m, name, attr, value)
    return apply


def v2_neurons(m):
    """Every v2 neuron form: lif1 with a per-channel leak tensor, a per-neuron threshold
    ([C, 4, 4], uniform within each channel), the delayed subtract reset and a CUBA synapse; a
    membrane readout with a per-channel leak."""
    v2(m)
    set_attr(m, "lif1", "leak", tensor_attr([0.9, 0.5]))
    set_attr(m, "lif1", "threshold", tensor_attr(np.array([0.75, 1.25]).reshape(C, 1, 1) * np.ones((C, 4, 4))))
    set_attr(m, "lif1", "reset", "subtract-delayed")
    set_attr(m, "lif1", "syn_leak", 0.5)
    set_attr(m, "lif1", "syn_gain", [1.0, 2.0])
    set_attr(m, "readout", "mode", "membrane")
    set_attr(m, "readout", "leak", tensor_attr([0.8, 0.9, 1.0]))


def truncate(data):
    return data[: len(data) // 2]


CASES = {
    "valid": lambda m: None,
    "reshape-constant": reshape_constant,
    "constant-bad": constant_bad,
    "identities": identities,
    "ir-version-9": lambda m: setattr(m, "ir_version", 9),
    "ir-version-2": lambda m: setattr(m, "ir_version", 2),
    "opset-18": lambda m: m.opset_import[0].__setattr__("version", 18),
    "opset-12": lambda m: m.opset_import[0].__setattr__("version", 12),
    "domain-2-profile-1": lambda m: m.opset_import[1].__setattr__("version", 2),
    "snnc-domain-undeclared": lambda m: m.opset_import.pop(),
    "no-num-steps": lambda m: set_meta(m, "snnc.num_steps", None),
    "num-steps-text": lambda m: set_meta(m, "snnc.num_steps", "twenty"),
    "num-steps-zero": lambda m: set_meta(m, "snnc.num_steps", "0"),
    "num-steps-absurd": lambda m: set_meta(m, "snnc.num_steps", "99999999999"),
    "no-profile": lambda m: set_meta(m, "snnc.profile", None),
    "meta-duplicate": meta_duplicate,
    "unknown-op": unknown_op,
    "other-domain-op": other_domain_op,
    "missing-initializer": missing_initializer,
    "no-input": no_input,
    "cycle": add_cycle,
    "two-inputs": second_input,
    "two-outputs": second_output,
    "duplicate-node-name": duplicate_node_name,
    "duplicate-value": duplicate_value,
    "duplicate-initializer": duplicate_init,
    "bntt-not-initializer": bntt_not_initializer,
    "bntt-wrong-steps": bntt_wrong_steps,
    "bntt-wrong-channels": bntt_wrong_channels,
    "var-negative": var_negative,
    "gamma-nan": gamma_nan,
    "weight-inf": conv_weight_inf,
    "leak-zero": lambda m: set_attr(m, "lif1", "leak", 0.0),
    "leak-above-one": lambda m: set_attr(m, "lif1", "leak", 1.5),
    "leak-missing": lambda m: set_attr(m, "lif1", "leak", None),
    "leak-string": lambda m: set_attr(m, "lif1", "leak", "high"),
    "threshold-zero": lambda m: set_attr(m, "lif1", "threshold", 0.0),
    "epsilon-negative": lambda m: set_attr(m, "bntt1", "epsilon", -1e-4),
    "reset-unknown": lambda m: set_attr(m, "lif1", "reset", "later"),
    "unknown-attribute": lambda m: set_attr(m, "lif1", "tau", 2.0),
    "double-initializer": double_weight,
    "int-input": int_input,
    "symbolic-channel": symbolic_channel,
    "zero-dim": zero_dim,
    "negative-dim": negative_dim,
    "overflow-dims": overflow_dims,
    "short-data": short_data,
    "external-data": external_data,
    "conv-kernel-mismatch": lambda m: set_attr(m, "conv1", "kernel_shape", [5, 5]),
    "conv-pads-count": lambda m: set_attr(m, "conv1", "pads", [1, 1]),
    "gemm-k-mismatch": gemm_k_mismatch,
    "pool-too-big": lambda m: set_attr(m, "pool1", "kernel_shape", [7, 7]),
    "output-not-readout": output_not_readout,
    "normalised": normalised,
    "normalised-bad-std": lambda m: normalised(m, std=(0.0,)),
    "normalised-wrong-count": lambda m: normalised(m, (0.5, 0.5), (1.0, 1.0)),
    "normalised-no-std": lambda m: set_attr(m, "encode", "mean", [0.5]),
    "bntt-beta": bntt_beta,
    "global-avg-pool": global_pool,
    # Profile version 2 (the general neuron).
    "profile-3": lambda m: set_meta(m, "snnc.profile", "3"),
    "snnc-domain-3": lambda m: m.opset_import[1].__setattr__("version", 3),
    "profile-2-domain-1": lambda m: set_meta(m, "snnc.profile", "2"),
    "v2-valid": v2,
    "v2-neurons": v2_neurons,
    "v2-zero-reset": v2_with([("lif1", "reset", "zero"), ("lif1", "v_reset", -0.5)]),
    "v2-no-reset": v2_with([("lif1", "reset", "none"), ("lif1", "leak", 0.0)]),
    "v2-integrator": v2_with([("readout", "mode", "membrane")]),
    "v2-reset-unknown": v2_with([("lif1", "reset", "later")]),
    "v2-leak-above-one": v2_with([("lif1", "leak", tensor_attr([0.9, 1.25]))]),
    "v2-leak-negative": v2_with([("lif1", "leak", -0.5)]),
    "v2-leak-shape": v2_with([("lif1", "leak", tensor_attr([0.9, 0.9, 0.9]))]),
    "v2-leak-double": v2_with([("lif1", "leak", numpy_helper.from_array(np.array([0.9, 0.9])))]),
    "v2-leak-int": v2_with([("lif1", "leak", 1)]),
    "v2-threshold-channel": v2_with([("lif1", "threshold", tensor_attr(np.arange(C * 16).reshape(C, 4, 4)))]),
    "v2-threshold-zero": v2_with([("lif1", "threshold", [1.0, 0.0])]),
    "v2-v-reset-subtract": v2_with([("lif1", "reset", "subtract"), ("lif1", "v_reset", 0.5)]),
    "v2-syn-gain-alone": v2_with([("lif1", "syn_gain", 2.0)]),
    "v2-syn-leak-above-one": v2_with([("lif1", "syn_leak", 1.5)]),
    "v2-readout-mode": v2_with([("readout", "mode", "last")]),
    "v2-readout-leak-mean": v2_with([("readout", "leak", 0.5)]),
    "v1-v-reset": lambda m: set_attr(m, "lif1", "v_reset", 0.5),
    "v1-leak-tensor": lambda m: set_attr(m, "lif1", "leak", tensor_attr([0.9, 0.8])),
    "v1-readout-mode": lambda m: set_attr(m, "readout", "mode", "membrane"),
    "v1-syn-leak": lambda m: set_attr(m, "lif1", "syn_leak", 0.5),
    "v1-reset-zero": lambda m: set_attr(m, "lif1", "reset", "zero"),
}

RAW_CASES = {
    "truncated": truncate,
    "not-protobuf": lambda data: b"this is not an ONNX model at all\n" * 4,
}


def main():
    case, out = sys.argv[1], sys.argv[2]
    model = torch_export() if case == "torch-export" else base()
    if case == "torch-export":
        data = model.SerializeToString()
    elif case in RAW_CASES:
        data = RAW_CASES[case](model.SerializeToString())
    else:
        CASES[case](model)
        data = model.SerializeToString()
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
