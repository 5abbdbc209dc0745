"""export -> onnx.checker -> numpy interpreter agrees with PyTorch (exactly on spikes and predictions)."""
import numpy as np
import onnx
import pytest
import torch
import torch.nn as nn

from snncref import export, interp, models
from snncref.layers import BNTT, LIF, Readout, StaticBN
from snncref.models import SNN, run_reference


def _randomise(model, seed):
    """Non-trivial BN tables (as after training) so the test exercises every input of every op."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (BNTT, StaticBN)):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
                m.running_mean.copy_(0.2 * torch.randn(m.running_mean.shape, generator=g))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=g))
            if isinstance(m, StaticBN):
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
    return model.eval()


def tiny_conv(reset="soft", norm="bntt", T=6):
    bn = (lambda c: BNTT(c, T)) if norm == "bntt" else StaticBN
    layers = [("conv1", nn.Conv2d(2, 4, 3, padding=1, bias=True)), ("bntt1", bn(4)), ("lif1", LIF(0.9, 0.75, reset)),
              ("pool1", nn.MaxPool2d(2)),
              ("conv2", nn.Conv2d(4, 4, 3, stride=2, padding=1, bias=False)), ("bntt2", bn(4)), ("lif2", LIF(0.95)),
              ("pool2", nn.AvgPool2d(2)), ("flatten", nn.Flatten(1)),
              ("fc1", nn.Linear(4, 8, bias=True)), ("bntt3", bn(8)), ("lif3", LIF(0.8, reset=reset)),
              ("fc2", nn.Linear(8, 3, bias=False)), ("readout", Readout())]
    torch.manual_seed(0)
    m = SNN("tiny", None, (2, 8, 8), T, layers, {"kind": "poisson", "scale": 1.0, "signed": 1}, "tiny")
    for p in m.modules():
        if isinstance(p, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(p.weight, gain=3)
    return _randomise(m, 1)


def _check(model, x, tmp_path):
    path = str(tmp_path / "m.onnx")
    export.export_onnx(model, path, (x.shape[0],) + tuple(x.shape[1:]), model.num_steps)
    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    assert proto.ir_version == 8
    assert {(o.domain, o.version) for o in proto.opset_import} == {("", 17), ("ai.snnc", 1)}
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["snnc.profile"] == "1" and meta["snnc.num_steps"] == str(model.num_steps)
    names = [n.name for n in proto.graph.node]
    assert len(set(names)) == len(names) and names[0] == "encode" and names[-1] == "readout"
    ref = run_reference(model, x, np.arange(len(x)), seed=0)
    got = interp.Interpreter(path).run(x, np.arange(len(x)), seed=0)
    for name, s in ref["spikes"].items():
        np.testing.assert_array_equal(got["spikes"][name], s)
    np.testing.assert_allclose(got["outputs"], ref["outputs"], atol=1e-5, rtol=0)
    np.testing.assert_array_equal(got["predictions"], ref["outputs"][-1].argmax(-1))
    # reload into torch gives the same model
    again = run_reference(export.load_onnx(path), x, np.arange(len(x)), seed=0)
    np.testing.assert_array_equal(again["outputs"], ref["outputs"])
    return ref


@pytest.mark.parametrize("reset,norm", [("soft", "bntt"), ("hard", "bntt"), ("soft", "bn")])
def test_tiny_conv_roundtrip(tmp_path, reset, norm):
    x = np.random.RandomState(2).rand(6, 2, 8, 8).astype(np.float32)
    ref = _check(tiny_conv(reset, norm), x, tmp_path)
    assert sum(int(s.sum()) for s in ref["spikes"].values()) > 0


def test_mlp_roundtrip_and_early_exit_prefix(tmp_path):
    model = _randomise(models.build("digits-bntt-mlp", seed=5), 2)
    x = np.random.RandomState(3).rand(10, 64).astype(np.float32)
    _check(model, x, tmp_path)
    it = interp.Interpreter(str(tmp_path / "m.onnx"))
    full = it.run(x)
    part = it.run(x, steps=7)
    np.testing.assert_array_equal(part["outputs"], full["outputs"][:7])
    for k in full["spikes"]:
        np.testing.assert_array_equal(part["spikes"][k], full["spikes"][k][:, :7])


def test_direct_encoder(tmp_path):
    model = _randomise(models.build("digits-bntt-mlp", seed=6), 4)
    model.encoder_cfg = {"kind": "direct"}
    x = np.random.RandomState(4).rand(5, 64).astype(np.float32)
    _check(model, x, tmp_path)
    assert onnx.load(str(tmp_path / "m.onnx")).graph.node[0].op_type == "DirectEncode"
