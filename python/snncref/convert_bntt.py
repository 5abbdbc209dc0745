"""Converts checkpoints of the official BNTT code into snnc profile models.

    python3 -m snncref.convert_bntt CKPT --arch vgg9|vgg11 --num-steps T --leak L --num-classes K
                                   [--img-size 32] [--mean M M M --std S S S] [--check N] -o model.onnx

CKPT is what the official train.py saves (`{'global_step', 'state_dict', 'accuracy'}`) or a bare
state dict (a `module.` prefix from nn.DataParallel is stripped). Every key and shape is checked
against the architecture (channel widths are read from the checkpoint, so narrower variants
work); missing and unexpected keys are named. The written model runs the official eval-mode
forward step by step: the encoder normalises the raw [0, 1] image with the CIFAR mean/std (or
--mean/--std) and rate-codes it with the official scale 2.0 and signed spikes; each conv/fc layer
is followed by its per-step BNTT and a soft-reset LIF with threshold 1.0; fc2 feeds the Readout.
The official output is mem_fc2 / num_steps; the Readout divides by the steps executed, which is
the same after a full run (docs/onnx-profile.md).

`from_state_dict(state_dict, layers, ...)` does the same for any BNTT network written in the
official style, given its layer list (see VGG9/VGG11 below for the format). `--check N` also runs
the official forward (snncref.bntt_official) and the written model on N random images and
reports the largest logit difference. Docs: docs/bntt-checkpoints.md.
"""
import argparse
import re
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

from .export import to_onnx
from .layers import BNTT, LIF, GlobalAvgPool, Readout
from .modelbin import window_output_size
from .models import SNN

CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)
BN_KEYS = ("weight", "running_mean", "running_var")
BN_OPTIONAL = ("bias", "num_batches_tracked")

# Layer lists: ("conv", conv key, BNTT ModuleList key), ("pool", name, kernel), ("gap", name),
# ("flatten", name), ("fc", linear key, BNTT key), ("readout", linear key). Every conv/fc is
# followed by its BNTT and a LIF named lif<i> (lif_fc for the hidden fc layer).
VGG9 = ([("conv", f"conv{i}", f"bntt{i}") for i in (1, 2)] + [("pool", "pool1", 2)]
        + [("conv", f"conv{i}", f"bntt{i}") for i in (3, 4)] + [("pool", "pool2", 2)]
        + [("conv", f"conv{i}", f"bntt{i}") for i in (5, 6, 7)] + [("pool", "pool3", 2)]
        + [("flatten", "flatten"), ("fc", "fc1", "bntt_fc"), ("readout", "fc2")])
VGG11 = ([("conv", "conv1", "bntt1"), ("pool", "pool1", 2), ("conv", "conv2", "bntt2"), ("pool", "pool2", 2)]
         + [("conv", f"conv{i}", f"bntt{i}") for i in (3, 4)] + [("pool", "pool3", 2)]
         + [("conv", f"conv{i}", f"bntt{i}") for i in (5, 6)] + [("pool", "pool4", 2)]
         + [("conv", f"conv{i}", f"bntt{i}") for i in (7, 8)] + [("gap", "pool5")]
         + [("flatten", "flatten"), ("fc", "fc1", "bntt_fc"), ("readout", "fc2")])
ARCH_LAYERS = {"vgg9": VGG9, "vgg11": VGG11}


class ConversionError(ValueError):
    """A checkpoint that does not fit the architecture; the message names keys and shapes."""


def load_checkpoint(path):
    """The state dict inside an official checkpoint (or a bare state dict), on the CPU."""
    try:
        obj = torch.load(path, map_location="cpu")
    except Exception as e:  # pickle, zip and torch errors alike
        raise ConversionError(f"{path}: cannot be read by torch.load: {e}") from None
    return extract_state_dict(obj, path)


def extract_state_dict(obj, where="checkpoint"):
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not obj or not all(torch.is_tensor(v) for v in obj.values()):
        keys = list(obj)[:8] if isinstance(obj, dict) else type(obj).__name__
        raise ConversionError(f"{where}: neither a {{'state_dict': ...}} checkpoint nor a state dict "
                              f"of tensors (found {keys})")
    if all(k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    return dict(obj)


def _list(keys, n=12):
    keys = sorted(keys)
    return ", ".join(keys[:n]) + (f" and {len(keys) - n} more" if len(keys) > n else "")


def _arch_hint(sd, layers):
    convs = sorted({int(m.group(1)) for k in sd for m in [re.match(r"conv(\d+)\.weight$", k)] if m})
    want = sum(1 for s in layers if s[0] == "conv")
    if convs and len(convs) != want:
        guess = {7: "vgg9", 8: "vgg11"}.get(len(convs))
        return (f"; the checkpoint has {len(convs)} conv layers (conv{convs[0]}..conv{convs[-1]}), the "
                f"architecture {want}" + (f": is it --arch {guess}?" if guess else ""))
    return ""


def check_keys(sd, layers, num_steps):
    """Raises ConversionError naming every missing or unexpected key, or a ModuleList whose
    length is not num_steps."""
    expected, optional = set(), set()
    for spec in layers:
        if spec[0] in ("conv", "fc", "readout"):
            expected.add(f"{spec[1]}.weight")
            optional.add(f"{spec[1]}.bias")
        if spec[0] in ("conv", "fc") and spec[2]:
            b = spec[2]
            steps = sorted({int(m.group(1)) for k in sd for m in [re.match(re.escape(b) + r"\.(\d+)\.", k)] if m})
            if steps and steps != list(range(num_steps)):
                have = f"{b}.0 .. {b}.{steps[-1]}" if steps == list(range(len(steps))) else f"steps {steps}"
                raise ConversionError(
                    f"BNTT '{b}' has {len(steps)} per-step batch norms in the checkpoint ({have}), but "
                    f"--num-steps is {num_steps}: the official code trains one batch norm per step, so "
                    f"T must equal the ModuleList length")
            for t in range(num_steps):
                expected.update(f"{b}.{t}.{k}" for k in BN_KEYS)
                optional.update(f"{b}.{t}.{k}" for k in BN_OPTIONAL)
    missing = expected - set(sd)
    unexpected = set(sd) - expected - optional
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing key(s): {_list(missing)}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected key(s): {_list(unexpected)}")
        raise ConversionError("checkpoint does not match the architecture: " + "; ".join(parts)
                              + _arch_hint(sd, layers))
    for spec in layers:  # a per-step bias must be given at every step or at none
        if spec[0] in ("conv", "fc") and spec[2]:
            n = sum(f"{spec[2]}.{t}.bias" in sd for t in range(num_steps))
            if n not in (0, num_steps):
                raise ConversionError(f"BNTT '{spec[2]}' has a bias at {n} of {num_steps} steps")


def _shape_error(key, got, want, why):
    return ConversionError(f"'{key}' has shape {list(got)}, expected {want} ({why})")


def _bntt(sd, key, C, T, eps):
    """Stacks the per-step batch norms of ModuleList `key` into an snncref BNTT [T, C]."""
    has_bias = f"{key}.0.bias" in sd
    m = BNTT(C, T, eps=eps, bias=has_bias)
    names = list(BN_KEYS) + (["bias"] if has_bias else [])
    rows = {n: [] for n in names}
    for t in range(T):
        for n in names:
            v = sd[f"{key}.{t}.{n}"]
            if tuple(v.shape) != (C,):
                raise _shape_error(f"{key}.{t}.{n}", v.shape, [C], "channels of the layer before")
            rows[n].append(v.detach().float())
    with torch.no_grad():
        m.weight.copy_(torch.stack(rows["weight"]))
        m.running_mean.copy_(torch.stack(rows["running_mean"]))
        m.running_var.copy_(torch.stack(rows["running_var"]))
        if has_bias:
            m.bias.copy_(torch.stack(rows["bias"]))
    if (m.running_var < 0).any() or not all(torch.isfinite(v).all() for v in m.state_dict().values()):
        raise ConversionError(f"BNTT '{key}': negative variance or non-finite values")
    return m


def _linear(sd, key, in_features, why):
    w = sd[f"{key}.weight"]
    if w.dim() != 2 or w.shape[1] != in_features:
        raise _shape_error(f"{key}.weight", w.shape, f"[out, {in_features}]", why)
    b = sd.get(f"{key}.bias")
    m = nn.Linear(w.shape[1], w.shape[0], bias=b is not None)
    with torch.no_grad():
        m.weight.copy_(w.float())
        if b is not None:
            m.bias.copy_(b.float())
    return m


def build_snn(sd, layers, num_steps, leak, input_shape, num_classes=None, mean=None, std=None,
              threshold=1.0, encoder_scale=2.0, eps=1e-4, name="bntt"):
    """The snncref SNN (eval mode) of a state dict in the official style; see from_state_dict."""
    sd = extract_state_dict(sd)
    check_keys(sd, layers, num_steps)
    shape = list(input_shape)  # current per-sample shape [C, H, W] or [F]
    out, lif_index, readout = [], 0, None
    for spec in layers:
        kind = spec[0]
        if kind == "conv":
            key = spec[1]
            w = sd[f"{key}.weight"]
            if w.dim() != 4 or len(shape) != 3 or w.shape[1] != shape[0] or w.shape[2] != w.shape[3]:
                raise _shape_error(f"{key}.weight", w.shape, f"[out, {shape[0]}, k, k]",
                                   f"input of {shape[0]} channels" if len(shape) == 3 else "needs an image")
            opts = spec[3] if len(spec) > 3 else {}
            k = int(w.shape[2])
            m = nn.Conv2d(shape[0], w.shape[0], k, stride=opts.get("stride", 1),
                          padding=opts.get("padding", k // 2), bias=f"{key}.bias" in sd)
            with torch.no_grad():
                m.weight.copy_(w.float())
                if m.bias is not None:
                    m.bias.copy_(sd[f"{key}.bias"].float())
            out.append((key, m))
            shape = [int(w.shape[0])] + [window_output_size(s, k, m.stride[0], m.padding[0], m.padding[0])
                                         for s in shape[1:]]
        elif kind == "fc":
            n_in = int(np.prod(shape))
            m = _linear(sd, spec[1], n_in, f"{shape} = {n_in} features enter it")
            out.append((spec[1], m))
            shape = [m.out_features]
        elif kind == "pool":
            out.append((spec[1], nn.AvgPool2d(spec[2])))
            shape = [shape[0]] + [s // spec[2] for s in shape[1:]]
        elif kind == "gap":
            out.append((spec[1], GlobalAvgPool()))
            shape = [shape[0], 1, 1]
        elif kind == "flatten":
            out.append((spec[1], nn.Flatten(1)))
            shape = [int(np.prod(shape))]
        elif kind == "readout":
            n_in = int(np.prod(shape))
            m = _linear(sd, spec[1], n_in, f"{n_in} features enter it")
            if num_classes is not None and m.out_features != num_classes:
                raise _shape_error(f"{spec[1]}.weight", m.weight.shape, f"[{num_classes}, {n_in}]",
                                   f"--num-classes {num_classes}")
            out += [(spec[1], m), ("readout", Readout())]
            readout = m
            continue
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
        if kind in ("conv", "fc"):
            if spec[2]:
                out.append((spec[2], _bntt(sd, spec[2], shape[0], num_steps, eps)))
            lif_index += 1
            out.append(("lif_fc" if kind == "fc" else f"lif{lif_index}", LIF(leak, threshold, "soft")))
    if readout is None:
        raise ValueError("the layer list must end with a ('readout', key) layer")
    enc = {"kind": "poisson", "scale": float(encoder_scale), "signed": 1}
    if mean is not None:
        if len(mean) != input_shape[0] or std is None or len(std) != input_shape[0]:
            raise ConversionError(f"--mean and --std need {input_shape[0]} values each (input channels)")
        enc.update(mean=[float(v) for v in mean], std=[float(v) for v in std])
    arch = "-".join(s[0] for s in layers)
    return SNN(name, None, input_shape, num_steps, out, enc, f"official-BNTT {arch}").eval()


def from_state_dict(state_dict, layers, num_steps, leak, input_shape, num_classes=None, mean=None,
                    std=None, threshold=1.0, encoder_scale=2.0, eps=1e-4, name="bntt"):
    """Profile model (onnx.ModelProto, checked) of a BNTT network in the official style.

    layers: list of ("conv", key, bntt_key[, {"stride", "padding"}]), ("pool", name, kernel),
    ("gap", name), ("flatten", name), ("fc", key, bntt_key), ("readout", key); bntt_key None for
    a layer without BNTT. Keys are state-dict prefixes (`key.weight`, `bntt_key.<t>.weight`...)."""
    snn = build_snn(state_dict, layers, num_steps, leak, input_shape, num_classes, mean, std, threshold,
                    encoder_scale, eps, name)
    proto = to_onnx(snn)
    onnx.checker.check_model(proto)
    return proto


def check_against_official(sd, arch, num_steps, leak, img_size, num_classes, proto, mean, std, n=4, seed=0):
    """Runs the official forward (bntt_official) and the written model (interp) on the same spikes
    for n random images; returns (max |logit difference|, predictions agree)."""
    from . import encoder
    from .bntt_official import OfficialVGG
    from .interp import Interpreter

    widths = [int(sd[f"conv{i}.weight"].shape[0]) for i in range(1, 1 + len(
        [s for s in ARCH_LAYERS[arch] if s[0] == "conv"]))]
    ref = OfficialVGG(arch, num_steps, leak, img_size, num_classes, widths, int(sd["fc1.weight"].shape[0]))
    ref.load_state_dict(sd, strict=True)
    x = np.random.default_rng(seed).random((n, 3, img_size, img_size), dtype=np.float32)
    xn = encoder.normalize(x, mean, std)
    spikes = encoder.poisson_encode(xn, np.arange(n), np.arange(num_steps), num_steps, 0, 2.0, 1)
    want, _ = ref(torch.from_numpy(spikes))
    got = Interpreter(proto).run(x)["logits"]
    return float(np.abs(got - want.numpy()).max()), bool((got.argmax(1) == want.numpy().argmax(1)).all())


def main(argv=None):
    ap = argparse.ArgumentParser(prog="convert_bntt", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--arch", required=True, choices=sorted(ARCH_LAYERS))
    ap.add_argument("--num-steps", type=int, required=True, help="T of the training run")
    ap.add_argument("--leak", type=float, required=True, help="leak_mem (train.py's default is 0.99)")
    ap.add_argument("--num-classes", type=int, required=True)
    ap.add_argument("--img-size", type=int, default=32)
    ap.add_argument("--mean", type=float, nargs=3, default=CIFAR_MEAN)
    ap.add_argument("--std", type=float, nargs=3, default=CIFAR_STD)
    ap.add_argument("--name", help="snnc.model_name (default: the checkpoint's file name)")
    ap.add_argument("--check", type=int, default=0, metavar="N",
                    help="compare with the official forward on N random images")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    if a.num_steps < 1 or a.img_size < 1 or not 0 < a.leak <= 1:
        ap.error("--num-steps and --img-size must be >= 1, --leak in (0, 1]")
    name = a.name or re.sub(r"(_bestmodel)?\.pth(\.tar)?$", "", a.checkpoint.split("/")[-1])
    try:
        sd = load_checkpoint(a.checkpoint)
        proto = from_state_dict(sd, ARCH_LAYERS[a.arch], a.num_steps, a.leak, (3, a.img_size, a.img_size),
                                a.num_classes, a.mean, a.std, name=name)
    except ConversionError as e:
        print(f"convert_bntt: error: {a.checkpoint}: {e}", file=sys.stderr)
        return 1
    onnx.save(proto, a.output)
    print(f"wrote {a.output}: {a.arch}, T = {a.num_steps}, leak {a.leak}, {a.num_classes} classes, "
          f"input [3, {a.img_size}, {a.img_size}] normalised with mean {list(a.mean)} std {list(a.std)}")
    if a.check:
        d, agree = check_against_official(sd, a.arch, a.num_steps, a.leak, a.img_size, a.num_classes, proto,
                                          a.mean, a.std, a.check)
        print(f"check: {a.check} random images, max |logit difference| to the official forward {d:.3g}, "
              f"predictions {'agree' if agree else 'DIFFER'}")
        if not agree or d > 1e-4:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
