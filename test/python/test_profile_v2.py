"""Profile v2's general neuron in snncref: the step formulas, the version the exporter picks, and
the file read back (load_onnx, the numpy interpreter) agreeing with PyTorch exactly."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from snncref import export, interp
from snncref.layers import LIF, Readout
from snncref.models import SNN, run_reference


def _run(lif, x):
    with torch.no_grad():
        return lif(torch.tensor(x, dtype=torch.float32)).numpy()


def test_subtract_delayed_is_snntorch_leaky():
    """m_t = beta m_{t-1} + x_t - theta s_{t-1}, s_t = m_t > theta (snnTorch's default Leaky)."""
    x = np.full((6, 1, 1), 0.75, np.float32)
    beta, theta = np.float32(0.5), np.float32(1.0)
    m, s, want = np.float32(0), np.float32(0), []
    for xt in x[:, 0, 0]:
        m = np.float32(np.float32(beta * m + xt) - theta * s)
        s = np.float32(m > theta)
        want.append(s)
    got = _run(LIF(0.5, 1.0, "subtract-delayed"), x)[:, 0, 0]
    assert got.tolist() == want == [0, 1, 0, 0, 1, 0]
    # The immediate subtract (the reset before the leak) fires more often on the same input.
    assert _run(LIF(0.5, 1.0, "subtract"), x)[:, 0, 0].tolist() == [0, 1, 0, 1, 0, 1]


def test_zero_reset_to_v_reset_none_and_per_channel():
    x = np.full((4, 1, 2), 0.6, np.float32)
    s = _run(LIF(torch.tensor([1.0, 0.5]), torch.tensor([1.0, 0.5]), "zero", v_reset=-0.5), x)
    # channel 0 integrates 0.6, 1.2 (fires, -> -0.5), 0.1, 0.7; channel 1: 0.6 (fires, -> -0.5),
    # 0.35, 0.775 (fires), 0.35.
    assert s[:, 0, 0].tolist() == [0, 1, 0, 0] and s[:, 0, 1].tolist() == [1, 0, 1, 0]
    assert _run(LIF(0.0, 0.5, "none"), x)[:, 0, 0].tolist() == [1, 1, 1, 1]


def test_cuba_and_membrane_readout():
    x = torch.ones(3, 1, 1)
    r = Readout("membrane", 0.5, syn_leak=0.5, syn_gain=2.0)
    # syn: 2, 3, 3.5; acc: 2, 4, 5.5 (read after every step, no division)
    assert r(x)[:, 0, 0].tolist() == [2.0, 4.0, 5.5]
    with pytest.raises(ValueError):
        Readout("mean", 0.5)
    with pytest.raises(ValueError):
        LIF(0.9, reset="later")
    with pytest.raises(ValueError):
        LIF(0.9, reset="subtract", v_reset=0.5)


def _net(lif, readout):
    layers = [("fc1", nn.Linear(6, 8)), ("lif1", lif), ("fc2", nn.Linear(8, 3)), ("readout", readout)]
    torch.manual_seed(0)
    m = SNN("v2", None, (6,), 5, layers, {"kind": "poisson", "scale": 1.0, "signed": 1})
    with torch.no_grad():
        m.layers["fc1"].weight.mul_(4)
    return m.eval()


def test_exporter_writes_v1_when_it_suffices(tmp_path):
    proto = export.export_onnx(_net(LIF(0.9, 1.0, "hard"), Readout()), str(tmp_path / "v1.onnx"))
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["snnc.profile"] == "1"
    assert {(o.domain, o.version) for o in proto.opset_import} == {("", 17), ("ai.snnc", 1)}
    lif = next(n for n in proto.graph.node if n.op_type == "LIF")
    assert [a.name for a in lif.attribute] == ["leak", "reset", "threshold"]


@pytest.mark.parametrize("lif,readout", [
    (LIF(torch.linspace(0.5, 1.0, 8), torch.linspace(0.5, 1.5, 8), "subtract-delayed"), Readout()),
    (LIF(0.9, 1.0, "zero", v_reset=0.25, syn_leak=torch.full((8,), 0.5)), Readout("membrane", 0.9)),
    (LIF(0.0, 0.5, "none"), Readout("membrane", torch.tensor([1.0, 0.5, 0.9]), syn_leak=0.5, syn_gain=0.5)),
])
def test_v2_roundtrip_load_and_interp(tmp_path, lif, readout):
    model = _net(lif, readout)
    path = str(tmp_path / "v2.onnx")
    proto = export.export_onnx(model, path)
    assert {p.key: p.value for p in proto.metadata_props}["snnc.profile"] == "2"
    assert ("ai.snnc", 2) in {(o.domain, o.version) for o in proto.opset_import}
    x = np.random.default_rng(1).uniform(-1, 1, (16, 6)).astype(np.float32)
    ref = run_reference(model, x, np.arange(16))
    back = run_reference(export.load_onnx(path), x, np.arange(16))
    r = interp.Interpreter(path).run(x)
    assert np.array_equal(ref["outputs"], back["outputs"])
    assert np.array_equal(ref["outputs"][-1], r["logits"])
    assert np.array_equal(ref["spikes"]["lif1"], back["spikes"]["lif1"])
    assert np.array_equal(ref["spikes"]["lif1"], r["spikes"]["lif1"])
    assert ref["spikes"]["lif1"].sum() > 0


def test_shipped_v1_models_reexport_byte_for_byte():
    """Profile 2 changes nothing for version-1 models: load_onnx then to_onnx gives back every
    shipped models/*/model.onnx byte for byte (version 1, the same attributes)."""
    import glob
    import os
    import onnx
    root = os.path.join(os.path.dirname(__file__), "..", "..", "models")
    paths = sorted(glob.glob(os.path.join(root, "*", "model.onnx")))
    assert paths
    for path in paths:
        original = onnx.load(path)
        again = export.to_onnx(export.load_onnx(path))
        assert again.SerializeToString() == original.SerializeToString(), path
