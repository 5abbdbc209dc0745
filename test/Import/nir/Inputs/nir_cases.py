"""Writes one NIR test case (python3-h5py only): `nir_cases.py CASE OUT_PREFIX` writes
OUT_PREFIX.nir and, for valid cases, OUT_PREFIX.x.npy (spike trains [N, T, ...]) and
OUT_PREFIX.ref.npy (the numpy reference outputs of docs/nir.md's discrete semantics,
snncref.nirfile.simulate). Bad cases break exactly one rule of docs/nir.md."""
import sys

import numpy as np

from snncref import nirfile

T, N = 10, 40
rng = np.random.default_rng(14)


def mlp(dtype=np.float32, r=True, v_reset=False):
    nodes = {
        "input": {"type": "Input", "shape": np.array([1, 24])},
        "fc1": nirfile.affine(rng.normal(0, 0.6, (16, 24)), rng.normal(0, 0.1, 16)),
        "lif1": nirfile.lif(np.full(16, 1e-3), np.ones(16), dtype=dtype),
        "fc2": nirfile.affine(rng.normal(0, 0.6, (6, 16)), np.zeros(6)),
        "lif2": nirfile.lif(np.full(6, 2e-3), np.full(6, 0.8), dtype=dtype),
        "output": {"type": "Output", "shape": np.array([6])},
    }
    if not r:
        del nodes["lif1"]["r"], nodes["lif2"]["r"]
    if v_reset:
        nodes["lif1"]["v_reset"] = np.full(16, 0.25, dtype)
    order = ["input", "fc1", "lif1", "fc2", "lif2", "output"]
    return nodes, list(zip(order, order[1:])), order, (24,)


def conv():
    nodes = {
        "input": {"type": "Input", "shape": np.array([2, 8, 8])},
        "conv": {"type": "Conv2d", "weight": rng.normal(0, 0.5, (4, 2, 3, 3)).astype(np.float32),
                 "bias": np.zeros(4, np.float32), "stride": np.array([1, 1]),
                 "padding": np.array([1, 1]), "dilation": np.array([1, 1]), "groups": np.array(1)},
        "if1": {"type": "IF", "r": np.ones((4, 8, 8), np.float32),
                "v_threshold": np.repeat(np.float32([1.0, 0.8, 1.2, 1.0]), 64).reshape(4, 8, 8),
                "v_reset": np.zeros((4, 8, 8), np.float32)},
        "pool": {"type": "SumPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
                 "padding": np.array([0, 0])},
        "avg": {"type": "AvgPool2d", "kernel_size": np.array([2, 2]), "stride": np.array([2, 2]),
                "padding": np.array([0, 0])},
        "flat": {"type": "Flatten", "start_dim": np.array(0), "end_dim": np.array(-1)},
        "fc": nirfile.affine(rng.normal(0, 0.5, (5, 16)), rng.normal(0, 0.1, 5)),
        "li": {"type": "LI", "tau": np.full(5, 5e-4, np.float32), "r": np.full(5, 5.0, np.float32),
               "v_leak": np.zeros(5, np.float32)},
        "output": {"type": "Output", "shape": np.array([5])},
    }
    order = ["input", "conv", "if1", "pool", "avg", "flat", "fc", "li", "output"]
    return nodes, list(zip(order, order[1:])), order, (2, 8, 8)


def cuba():
    """snnTorch's Synaptic as its exporter writes it (tau_syn = dt/(1-alpha), w_in = tau_syn/dt,
    tau_mem = dt/(1-beta), r = tau_mem/dt), a second layer with w_in and r scaling the input,
    and a CubaLI membrane output."""
    dt = 1e-4
    t_syn1, t_mem1 = dt / (1 - np.full(16, 0.8)), dt / (1 - np.full(16, 0.9))
    t_syn2, t_mem2 = dt / (1 - np.full(6, 0.7)), dt / (1 - np.full(6, 0.95))
    nodes = {
        "input": {"type": "Input", "shape": np.array([24])},
        "fc1": nirfile.affine(rng.normal(0, 0.6, (16, 24)), rng.normal(0, 0.1, 16)),
        "cuba1": {"type": "CubaLIF", "tau_syn": t_syn1, "tau_mem": t_mem1, "r": t_mem1 / dt,
                  "v_leak": np.zeros(16), "v_threshold": np.ones(16), "v_reset": np.zeros(16),
                  "w_in": t_syn1 / dt},
        "fc2": nirfile.affine(rng.normal(0, 0.6, (6, 16)), np.zeros(6)),
        "cuba2": {"type": "CubaLI", "tau_syn": t_syn2, "tau_mem": t_mem2, "r": 2 * t_mem2 / dt,
                  "v_leak": np.full(6, 0.1), "w_in": 0.5 * t_syn2 / dt},
        "output": {"type": "Output", "shape": np.array([6])},
    }
    order = ["input", "fc1", "cuba1", "fc2", "cuba2", "output"]
    return nodes, list(zip(order, order[1:])), order, (24,)


def nested():
    nodes, edges, order, shape = mlp()
    inner = {"input": {"type": "Input", "shape": np.array([16])}, "lif": nodes.pop("lif1"),
             "output": {"type": "Output", "shape": np.array([16])}}
    nodes["block"] = {"type": "NIRGraph", "nodes": inner,
                      "edges": [("input", "lif"), ("lif", "output")]}
    edges = [(a.replace("lif1", "block"), b.replace("lif1", "block")) for a, b in edges]
    ref_nodes = dict(nodes, lif1=inner["lif"])
    return nodes, edges, order, shape, ref_nodes


VALID = {"mlp": mlp, "mlp-float64-no-r": lambda: mlp(np.float64, r=False),
         "mlp-v-reset": lambda: mlp(v_reset=True), "conv": conv, "nested": nested, "cuba": cuba}


def bad(case):
    nodes, edges, _, _ = mlp()
    if case == "missing-field":
        del nodes["lif1"]["v_threshold"]
    elif case == "wrong-shape":
        nodes["fc1"]["weight"] = np.zeros(24, np.float32)
    elif case == "edge-to-missing":
        edges.append(("lif2", "nowhere"))
    elif case == "nan":
        nodes["lif2"]["tau"][3] = np.nan
    elif case == "no-output":
        del nodes["output"]
        edges = [e for e in edges if e[1] != "output"]
    elif case == "cycle":
        edges.append(("lif1", "fc1"))
    elif case == "unsupported":
        nodes["lif2"] = {"type": "Scale", "scale": np.ones(6)}
    elif case == "per-neuron-conv":
        nodes, edges, _, _ = conv()
        nodes["if1"]["v_threshold"][0, 0, 0] = 2.0
    elif case == "tau-below-dt":
        nodes["lif1"]["tau"][:] = 1e-5
    else:
        raise SystemExit(f"unknown case {case}")
    return nodes, edges


def main():
    case, prefix = sys.argv[1], sys.argv[2]
    if case == "not-hdf5":
        open(prefix + ".nir", "w").write("this is not an HDF5 file\n")
        return
    if case == "truncated":
        nodes, edges, _, _ = mlp()
        nirfile.write(prefix + ".full.nir", nodes, edges)
        data = open(prefix + ".full.nir", "rb").read()
        open(prefix + ".nir", "wb").write(data[: len(data) // 2])
        return
    if case not in VALID:
        nodes, edges = bad(case)
        nirfile.write(prefix + ".nir", nodes, edges)
        return
    made = VALID[case]()
    nodes, edges, order, shape = made[:4]
    ref_nodes = made[4] if len(made) > 4 else nodes
    nirfile.write(prefix + ".nir", nodes, edges)
    x = (rng.random((N, T) + shape) < 0.3).astype(np.float32)
    out, _ = nirfile.simulate(ref_nodes, order, x)
    np.save(prefix + ".x.npy", x)
    np.save(prefix + ".ref.npy", out)


main()
