"""The committed models: ONNX passes the checker, golden files are consistent with the ONNX file
(recomputed by the PyTorch reference and by the numpy interpreter), info.json is consistent."""
import json
import os

import numpy as np
import onnx
import pytest

from snncref import export, golden, interp
from snncref.models import run_reference

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "models")
# How many golden samples to recompute per model (keeps the suite fast on 2 cores).
SAMPLES = {"digits-bntt-mlp": 256, "digits-bntt-deep": 256, "fmnist-bntt-mlp": 16,
           "fmnist-bntt-conv": 4, "fmnist-bn-conv": 4, "digits-bntt-maxpool": 256}
EXPECTED = sorted(SAMPLES)


def present():
    return sorted(d for d in os.listdir(MODELS) if os.path.exists(os.path.join(MODELS, d, "model.onnx"))) \
        if os.path.isdir(MODELS) else []


def load_dir(name):
    d = os.path.join(MODELS, name)
    with open(os.path.join(d, "info.json")) as f:
        info = json.load(f)
    with open(os.path.join(d, "golden", "golden.json")) as f:
        gj = json.load(f)
    g = {k[:-4]: np.load(os.path.join(d, "golden", k), allow_pickle=False) for k in gj["files"]}
    return d, info, gj, g


def test_all_models_are_shipped():
    assert present() == EXPECTED


@pytest.mark.parametrize("name", present())
def test_model_dir_layout_and_size(name):
    d, info, gj, g = load_dir(name)
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)
    assert total < 5 * 2 ** 20
    proto = onnx.load(os.path.join(d, "model.onnx"))
    onnx.checker.check_model(proto)
    meta = {p.key: p.value for p in proto.metadata_props}
    T = info["num_steps"]
    assert meta["snnc.profile"] == "1" and int(meta["snnc.num_steps"]) == T == gj["num_steps"]
    assert gj["seed"] == 0 and gj["num_samples"] == 256
    lifs = [n.name for n in proto.graph.node if n.op_type == "LIF"]
    assert sorted(k for k in g if k.startswith("spikes_")) == sorted("spikes_" + n for n in lifs)
    assert g["inputs"].dtype == np.float32 and g["inputs"].shape[0] == 256
    assert list(g["inputs"].shape[1:]) == info["input_shape"]
    assert g["labels"].dtype == np.int64 and g["predictions"].dtype == np.int64
    assert g["logits"].dtype == np.float32 and g["logits"].shape == (256, 10)
    for n in lifs:
        assert g["spikes_" + n].dtype == np.int64 and g["spikes_" + n].shape == (256, T)
    np.testing.assert_array_equal(g["predictions"], g["logits"].argmax(1))


@pytest.mark.parametrize("name", present())
def test_info_consistent(name):
    d, info, gj, g = load_dir(name)
    T = info["num_steps"]
    model = export.load_onnx(os.path.join(d, "model.onnx"))
    gm = golden.gamma_mean(model)
    assert set(gm) == set(info["gamma_mean"])
    for k in gm:
        np.testing.assert_allclose(gm[k], info["gamma_mean"][k], rtol=0, atol=1e-7)
    t_exit = golden.early_exit_step(info["gamma_mean"], T)
    assert info["early_exit_step"] == t_exit and 1 <= t_exit <= T
    # the rule, checked directly
    if t_exit < T:
        assert all(v[t] < 0.1 for v in info["gamma_mean"].values() for t in range(t_exit, T))
    if t_exit > 1 and gm:
        assert any(v[t_exit - 1] >= 0.1 for v in info["gamma_mean"].values())
    assert len(info["accuracy_per_exit_step"]) == T
    assert info["accuracy"] == info["accuracy_per_exit_step"][-1]
    assert info["accuracy_at_exit"] == info["accuracy_per_exit_step"][t_exit - 1]
    # golden accuracy is a sample of the full test set accuracy
    assert abs(float((g["predictions"] == g["labels"]).mean()) - info["accuracy"]) < 0.1


@pytest.mark.parametrize("name", present())
def test_golden_recomputed(name):
    """Golden files = PyTorch reference on the committed ONNX = numpy interpreter of the ONNX."""
    d, info, gj, g = load_dir(name)
    n = SAMPLES.get(name, 4)
    x = g["inputs"][:n]
    idx = np.arange(n)
    ref = run_reference(export.load_onnx(os.path.join(d, "model.onnx")), x, idx, seed=0)
    it = interp.Interpreter(os.path.join(d, "model.onnx")).run(x, idx, seed=0)
    for r in (ref, it):
        out = r["outputs"][-1]
        np.testing.assert_allclose(out, g["logits"][:n], rtol=0, atol=1e-5)
        np.testing.assert_array_equal(out.argmax(1), g["predictions"][:n])
        for k, s in r["spikes"].items():
            np.testing.assert_array_equal(s, g["spikes_" + k][:n])


@pytest.mark.parametrize("name", present())
def test_reexport_roundtrip(name):
    """load_onnx -> export_onnx reproduces a file that passes the checker and holds the same weights."""
    d = os.path.join(MODELS, name)
    model = export.load_onnx(os.path.join(d, "model.onnx"))
    a = onnx.load(os.path.join(d, "model.onnx"))
    b = export.to_onnx(model)
    onnx.checker.check_model(b)
    assert [(n.name, n.op_type) for n in a.graph.node] == [(n.name, n.op_type) for n in b.graph.node]
    wa = {i.name: onnx.numpy_helper.to_array(i) for i in a.graph.initializer}
    wb = {i.name: onnx.numpy_helper.to_array(i) for i in b.graph.initializer}
    assert wa.keys() == wb.keys()
    for k in wa:
        np.testing.assert_array_equal(wa[k], wb[k])
