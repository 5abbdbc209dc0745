#!/usr/bin/env python3
"""Small profile-v2 networks built and trained with snncref, exported, and their references.

    v2_network.py build CASE DIR   trains CASE for a few steps, writes DIR/m.onnx, DIR/x.npy and
                                   DIR/ref.json (the PyTorch reference: predictions, final outputs,
                                   per-sample per-step spike counts of every LIF)
    v2_network.py check REF.json RUN.json   compares snnc-run's report (--outputs
                                   --sample-spikes) with the reference, exactly

CASE "mlp": fc-LIF(per-channel leak and threshold, subtract-delayed)-fc-LIF(leak 0, no reset)-fc-
membrane readout (per-channel leak, CUBA synapse). CASE "conv": conv-LIF(per-channel leak,
per-neuron threshold tensor, zero reset to v_reset, CUBA)-avgpool-fc-mean readout.
After training, the weights are snapped to a 1/64 grid: with spike inputs every sum is then exact
in float32 whatever the summation order, so snnc-run must match the reference's neuron
arithmetic (docs/onnx-profile.md's evaluation order) bit for bit.
Before writing, the script checks that load_onnx and the numpy interpreter read the file back to
the same outputs and spikes.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))
from snncref.export import export_onnx, load_onnx  # noqa: E402
from snncref.interp import Interpreter  # noqa: E402
from snncref.layers import LIF, Readout  # noqa: E402
from snncref.models import SNN, run_reference  # noqa: E402

T, N = 8, 32


def mlp():
    g = torch.Generator().manual_seed(1)
    layers = [
        ("fc1", nn.Linear(20, 16)),
        ("lif1", LIF(torch.linspace(0.5, 0.95, 16), torch.linspace(0.5, 1.5, 16), "subtract-delayed")),
        ("fc2", nn.Linear(16, 12, bias=False)),
        ("lif2", LIF(0.0, 0.25, "none")),
        ("fc3", nn.Linear(12, 5, bias=False)),
        ("readout", Readout("membrane", torch.tensor([0.9, 0.8, 1.0, 0.5, 0.95]), syn_leak=0.75,
                            syn_gain=torch.tensor([1.0, 0.5, 2.0, 1.0, 0.25]))),
    ]
    return SNN("v2-mlp", None, (20,), T, layers, {"kind": "poisson", "scale": 1.0, "signed": 1}), g


def conv():
    g = torch.Generator().manual_seed(2)
    thr = torch.tensor([0.5, 0.75, 1.0, 1.25]).reshape(4, 1, 1).expand(4, 6, 6)
    layers = [
        ("conv1", nn.Conv2d(1, 4, 3, padding=1, bias=False)),
        ("lif1", LIF(torch.tensor([0.9, 0.5, 0.95, 0.0]), thr, "zero", v_reset=-0.125,
                     syn_leak=torch.tensor([0.5, 0.25, 0.75, 0.0]), syn_gain=2.0)),
        ("pool1", nn.AvgPool2d(2, 2)),
        ("flatten", nn.Flatten(1)),
        ("fc1", nn.Linear(36, 5, bias=False)),
        ("readout", Readout()),
    ]
    return SNN("v2-conv", None, (1, 6, 6), T, layers, {"kind": "poisson", "scale": 1.0, "signed": 0}), g


def train_and_snap(model, g, x, y):
    """Three SGD steps with the surrogate gradient (the general neuron trains), then weights on a
    1/64 grid."""
    for m in model.layers.values():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            with torch.no_grad():
                m.weight.normal_(0, 1.5 / np.sqrt(m.weight[0].numel()), generator=g)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.train()
    for _ in range(3):
        opt.zero_grad()
        out = model(model.encode_random(torch.from_numpy(x), g))[-1]
        loss = F.cross_entropy(out, torch.from_numpy(y))
        loss.backward()
        assert model.layers["fc1"].weight.grad.abs().sum() > 0, "no gradient through the neurons"
        opt.step()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.round(p * 64) / 64)
    return model.eval()


def reference(model, x):
    r = run_reference(model, x, np.arange(len(x)))
    out = r["outputs"][-1]
    return {"predictions": out.argmax(1).tolist(), "outputs": out.tolist(),
            "spikes": {k: v.tolist() for k, v in r["spikes"].items()}}


def build(case, out_dir):
    model, g = {"mlp": mlp, "conv": conv}[case]()
    rng = np.random.default_rng(0)
    x = rng.uniform(-1 if case == "mlp" else 0, 1, (N,) + model.input_shape).astype(np.float32)
    y = rng.integers(0, 5, N)
    train_and_snap(model, g, x, y)
    path = os.path.join(out_dir, "m.onnx")
    proto = export_onnx(model, path)
    ref = reference(model, x)
    # The file read back: by the torch reference and by the numpy interpreter.
    again = reference(load_onnx(path), x)
    interp = Interpreter(path).run(x)
    assert again == ref, "load_onnx changed the network"
    assert interp["predictions"].tolist() == ref["predictions"]
    assert np.array_equal(interp["logits"], np.asarray(ref["outputs"], np.float32)), "interp outputs differ"
    for name, s in interp["spikes"].items():
        assert s.tolist() == ref["spikes"][name], f"interp spikes of {name} differ"
    np.save(os.path.join(out_dir, "x.npy"), x)
    with open(os.path.join(out_dir, "ref.json"), "w") as f:
        json.dump(ref, f)
    meta = {p.key: p.value for p in proto.metadata_props}
    spikes = sum(int(np.sum(v)) for v in ref["spikes"].values())
    print(f"profile {meta['snnc.profile']}, {len(ref['spikes'])} LIF layers, {spikes} spikes")


def check(ref_path, run_path):
    ref, run = json.load(open(ref_path)), json.load(open(run_path))
    same = sum(int(a == b) for a, b in zip(ref["predictions"], run["predictions"]))
    diff = float(np.abs(np.asarray(ref["outputs"], np.float32) - np.asarray(run["outputs"], np.float32)).max())
    layers = [k for k in ref["spikes"] if run["sample_spikes"].get(k) == ref["spikes"][k]]
    print(f"predictions {same}/{len(ref['predictions'])} spikes exact {len(layers)}/{len(ref['spikes'])} "
          f"max_abs {diff:g}")
    return 0 if same == len(ref["predictions"]) and len(layers) == len(ref["spikes"]) and diff == 0 else 1


if __name__ == "__main__":
    torch.set_num_threads(1)
    if sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
