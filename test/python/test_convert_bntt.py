"""snncref.convert_bntt: official-format checkpoints in, profile models out, clear errors.

Narrow VGG9/VGG11 with random weights (snncref.bntt_official); the converted model, run by the
profile interpreter, must equal the official eval-mode forward on the same spike trains, and every
malformed checkpoint must be refused naming the key (CLI exit status 1).
"""
import numpy as np
import pytest
import torch

from snncref import convert_bntt as cb
from snncref import encoder
from snncref.bntt_official import OfficialVGG, randomize, save_checkpoint
from snncref.interp import Interpreter

V9 = dict(widths=[4, 4, 6, 6, 8, 8, 8], fc_width=16)
V11 = dict(widths=[4, 4, 6, 6, 8, 8, 8, 8], fc_width=16)


def vgg9(T=3):
    return randomize(OfficialVGG("vgg9", T, 0.99, 8, 10, **V9), seed=3, gamma=(0.8, 1.6))


def convert(sd, arch="vgg9", T=3, img=8, K=10):
    return cb.from_state_dict(sd, cb.ARCH_LAYERS[arch], T, 0.99, (3, img, img), K, cb.CIFAR_MEAN, cb.CIFAR_STD)


@pytest.mark.parametrize("arch,img,kw", [("vgg9", 8, V9), ("vgg11", 32, V11)])
def test_matches_official_forward(arch, img, kw):
    T = 4
    m = randomize(OfficialVGG(arch, T, 0.95, img, 5, **kw), seed=1, gamma=(0.8, 1.6))
    proto = cb.from_state_dict({"global_step": 1, "state_dict": m.state_dict(), "accuracy": 0}["state_dict"],
                               cb.ARCH_LAYERS[arch], T, 0.95, (3, img, img), 5, cb.CIFAR_MEAN, cb.CIFAR_STD)
    x = np.random.default_rng(0).random((6, 3, img, img), dtype=np.float32)
    s = encoder.poisson_encode(encoder.normalize(x, cb.CIFAR_MEAN, cb.CIFAR_STD), np.arange(6), np.arange(T), T,
                               0, 2.0, 1)
    want, counts = m(torch.from_numpy(s))
    got = Interpreter(proto).run(x)
    assert sum(int(v.sum()) for v in counts.values()) > 0
    assert np.array_equal(got["predictions"], want.numpy().argmax(1))
    np.testing.assert_allclose(got["logits"], want.numpy(), atol=1e-4)
    ops = [n.op_type for n in proto.graph.node]
    assert ("GlobalAveragePool" in ops) == (arch == "vgg11")
    assert ops.count("BNTT") == len(kw["widths"]) + 1


def test_checkpoint_dict_and_module_prefix(tmp_path):
    m = vgg9()
    path = tmp_path / "vgg9_bestmodel.pth.tar"
    save_checkpoint(m, str(path))
    sd = cb.load_checkpoint(str(path))
    assert set(sd) == set(m.state_dict())
    wrapped = {"module." + k: v for k, v in m.state_dict().items()}
    assert set(cb.extract_state_dict(wrapped)) == set(m.state_dict())


def test_missing_key_is_named():
    sd = dict(vgg9().state_dict())
    del sd["bntt3.1.running_var"]
    with pytest.raises(cb.ConversionError, match=r"1 missing key\(s\): bntt3\.1\.running_var"):
        convert(sd)


def test_unexpected_key_is_named():
    sd = dict(vgg9().state_dict())
    sd["fc3.weight"] = torch.zeros(2, 2)
    with pytest.raises(cb.ConversionError, match=r"unexpected key\(s\): fc3\.weight"):
        convert(sd)


def test_wrong_shape_is_named():
    sd = dict(vgg9().state_dict())
    sd["conv3.weight"] = torch.zeros(6, 5, 3, 3)
    with pytest.raises(cb.ConversionError, match=r"'conv3.weight' has shape \[6, 5, 3, 3\], expected \[out, 4, k, k\]"):
        convert(sd)
    sd = dict(vgg9().state_dict())
    sd["bntt2.0.weight"] = torch.ones(5)
    with pytest.raises(cb.ConversionError, match=r"'bntt2.0.weight' has shape \[5\], expected \[4\]"):
        convert(sd)


def test_wrong_arch_hints_the_right_one():
    with pytest.raises(cb.ConversionError, match=r"missing key.*conv8\.weight.*is it --arch vgg9\?"):
        convert(vgg9().state_dict(), arch="vgg11")


def test_num_steps_must_match_module_list():
    with pytest.raises(cb.ConversionError, match=r"'bntt1' has 3 per-step batch norms .*--num-steps is 5"):
        convert(vgg9(T=3).state_dict(), T=5)


def test_num_classes_checked():
    with pytest.raises(cb.ConversionError, match=r"'fc2.weight'.*--num-classes 100"):
        convert(vgg9().state_dict(), K=100)


def test_bias_becomes_bntt_beta():
    """A variant that kept the batch-norm bias: it becomes the profile BNTT's fifth input."""
    m = vgg9()
    sd = dict(m.state_dict())
    for t in range(3):
        sd[f"bntt1.{t}.bias"] = torch.full((4,), 0.25)
    proto = convert(sd)
    node = next(n for n in proto.graph.node if n.name == "bntt1")
    assert list(node.input)[4] == "bntt1.bias"
    sd.pop("bntt1.2.bias")
    with pytest.raises(cb.ConversionError, match="has a bias at 2 of 3 steps"):
        convert(sd)


def test_cli_exit_codes(tmp_path, capsys):
    path = str(tmp_path / "c.pth.tar")
    save_checkpoint(vgg9(), path)
    out = str(tmp_path / "m.onnx")
    common = ["--num-steps", "3", "--leak", "0.99", "--num-classes", "10", "--img-size", "8", "-o", out]
    assert cb.main([path, "--arch", "vgg9", "--check", "2"] + common) == 0
    assert cb.main([path, "--arch", "vgg11"] + common) == 1
    assert "convert_bntt: error:" in capsys.readouterr().err
    torch.save({"epoch": 3}, path)
    assert cb.main([path, "--arch", "vgg9"] + common) == 1
    assert "neither a {'state_dict': ...} checkpoint nor a state dict" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        cb.main([path, "--arch", "resnet"] + common)
    assert e.value.code == 2
