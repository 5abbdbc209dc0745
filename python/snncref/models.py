"""The shipped architectures: an SNN is an ordered list of named layers.

Layer names are the ONNX node names used downstream (runtime spike counts are keyed by LIF node
name): encode, conv1, bntt1, lif1, pool1, conv2, ..., flatten, fc1, bntt3, lif3, fc2, readout.
"""
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

from . import encoder
from .layers import BNTT, LIF, GlobalAvgPool, Readout, StaticBN

SPATIAL = (nn.Conv2d, nn.Linear, nn.AvgPool2d, nn.MaxPool2d, nn.Flatten, GlobalAvgPool)


class SNN(nn.Module):
    """A feed-forward spiking network run for num_steps steps on encoded input."""

    def __init__(self, name, dataset, input_shape, num_steps, layers, encoder_cfg, arch=""):
        super().__init__()
        self.model_name = name
        self.dataset = dataset
        self.input_shape = tuple(input_shape)  # without batch
        self.num_steps = int(num_steps)
        self.encoder_cfg = dict(encoder_cfg)
        self.arch = arch
        self.layers = nn.ModuleDict(OrderedDict(layers))

    def layer_names(self, kind=None):
        return [n for n, m in self.layers.items() if kind is None or isinstance(m, kind)]

    def forward(self, spikes, record=False):
        """spikes: encoded input [S, N, *input_shape] (S <= num_steps).

        Returns readout outputs per exit step [S, N, K] (row t = output if stopped after t+1 steps);
        with record=True also {lif name: spike tensor [S, N, ...]}.
        """
        h = spikes
        rec = {}
        for name, m in self.layers.items():
            if isinstance(m, SPATIAL):
                S, N = h.shape[:2]
                h = m(h.reshape((S * N,) + tuple(h.shape[2:])))
                h = h.reshape((S, N) + tuple(h.shape[1:]))
            else:
                h = m(h)
            if record and isinstance(m, LIF):
                rec[name] = h
        return (h, rec) if record else h

    def encode(self, x, sample_index, steps=None, seed=0):
        """Deterministic encoding of numpy input x [N, ...] -> torch [S, N, ...] (S = steps or T)."""
        steps = self.num_steps if steps is None else steps
        cfg = self.encoder_cfg
        x = encoder.normalize(x, cfg.get("mean"), cfg.get("std"))
        if cfg["kind"] == "direct":
            return torch.from_numpy(np.ascontiguousarray(np.broadcast_to(x, (steps,) + x.shape)))
        s = encoder.poisson_encode(x, sample_index, np.arange(steps), self.num_steps, seed,
                                   cfg.get("scale", 1.0), cfg.get("signed", 1))
        return torch.from_numpy(s)

    def encode_random(self, x, generator):
        """Training-time encoding with torch's RNG (same distribution as the hash encoder)."""
        cfg = self.encoder_cfg
        if cfg.get("mean") is not None:
            shape = (1, -1) + (1,) * (x.dim() - 2)
            x = (x - torch.tensor(cfg["mean"]).reshape(shape)) / torch.tensor(cfg["std"]).reshape(shape)
        if cfg["kind"] == "direct":
            return x.unsqueeze(0).expand((self.num_steps,) + tuple(x.shape))
        u = torch.rand((self.num_steps,) + tuple(x.shape), generator=generator)
        fire = (x != 0) & (u * cfg.get("scale", 1.0) <= x.abs())
        if not cfg.get("signed", 1):
            fire = fire & (x > 0)
        return torch.where(fire, torch.sign(x), torch.zeros_like(x))


@torch.no_grad()
def run_reference(model, x, sample_index, seed=0, steps=None, batch_size=256):
    """Eval-mode float32 reference run. Returns dict:
    outputs [S, N, K] float32 (per exit step), spikes {lif: int64 [N, S]}."""
    model.eval()
    outs, spikes = [], {n: [] for n in model.layer_names(LIF)}
    for b in range(0, len(x), batch_size):
        xb = x[b:b + batch_size]
        idx = np.asarray(sample_index)[b:b + batch_size]
        o, rec = model(model.encode(xb, idx, steps, seed), record=True)
        outs.append(o.numpy())
        for n, s in rec.items():
            spikes[n].append(s.reshape(s.shape[0], s.shape[1], -1).sum(2).to(torch.int64).T.numpy())
    return {"outputs": np.concatenate(outs, 1), "spikes": {n: np.concatenate(v, 0) for n, v in spikes.items()}}


def _xavier(m):
    for p in m.modules():
        if isinstance(p, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(p.weight, gain=2)  # as in the official BNTT code


def conv_net(name, T, leak=0.95, norm="bntt", c1=16, c2=32, hidden=128, pool="avg",
             dataset="fashion-mnist", side=28):
    """conv3x3(1->c1)-N-LIF-pool2-conv3x3(c1->c2)-N-LIF-pool2-[fc(->hidden)-N-LIF]-fc(->10) on
    (1, side, side); pool "avg" or "max"; hidden=None: the flattened features feed the readout fc."""
    bn = (lambda c: BNTT(c, T)) if norm == "bntt" else (lambda c: StaticBN(c))
    k = "bntt" if norm == "bntt" else "bn"
    pool_layer = nn.AvgPool2d if pool == "avg" else nn.MaxPool2d
    feat = c2 * (side // 4) ** 2
    layers = [
        ("conv1", nn.Conv2d(1, c1, 3, padding=1, bias=False)), (f"{k}1", bn(c1)), ("lif1", LIF(leak)),
        ("pool1", pool_layer(2)),
        ("conv2", nn.Conv2d(c1, c2, 3, padding=1, bias=False)), (f"{k}2", bn(c2)), ("lif2", LIF(leak)),
        ("pool2", pool_layer(2)),
        ("flatten", nn.Flatten(1)),
    ]
    nm = "BNTT" if norm == "bntt" else "BN"
    arch = (f"conv3x3(1->{c1})-{nm}-LIF-{pool}pool2-conv3x3({c1}->{c2})-{nm}-LIF-{pool}pool2-flatten-")
    if hidden is None:
        layers += [("fc1", nn.Linear(feat, 10, bias=False)), ("readout", Readout())]
        arch += f"fc({feat}->10)-readout"
    else:
        layers += [("fc1", nn.Linear(feat, hidden, bias=False)), (f"{k}3", bn(hidden)), ("lif3", LIF(leak)),
                   ("fc2", nn.Linear(hidden, 10, bias=False)), ("readout", Readout())]
        arch += f"fc({feat}->{hidden})-{nm}-LIF-fc({hidden}->10)-readout"
    m = SNN(name, dataset, (1, side, side), T, layers,
            {"kind": "poisson", "scale": 1.0, "signed": 1}, arch)
    _xavier(m)
    return m


def mlp(name, dataset, n_in, hidden, T, leak=0.95):
    layers = [("fc1", nn.Linear(n_in, hidden, bias=False)), ("bntt1", BNTT(hidden, T)), ("lif1", LIF(leak)),
              ("fc2", nn.Linear(hidden, 10, bias=False)), ("readout", Readout())]
    arch = f"fc({n_in}->{hidden})-BNTT-LIF-fc({hidden}->10)-readout"
    m = SNN(name, dataset, (n_in,), T, layers, {"kind": "poisson", "scale": 1.0, "signed": 1}, arch)
    _xavier(m)
    return m


def deep_mlp(name, dataset, n_in, hidden, depth, T, leak=0.95):
    """fc(n_in->hidden)-BNTT-LIF, (depth-1) x [fc(hidden->hidden)-BNTT-LIF], fc(hidden->10)-readout."""
    layers, prev = [], n_in
    for k in range(1, depth + 1):
        layers += [(f"fc{k}", nn.Linear(prev, hidden, bias=False)), (f"bntt{k}", BNTT(hidden, T)),
                   (f"lif{k}", LIF(leak))]
        prev = hidden
    layers += [(f"fc{depth + 1}", nn.Linear(hidden, 10, bias=False)), ("readout", Readout())]
    arch = (f"fc({n_in}->{hidden})-BNTT-LIF-" + f"fc({hidden}->{hidden})-BNTT-LIF-" * (depth - 1)
            + f"fc({hidden}->10)-readout")
    m = SNN(name, dataset, (n_in,), T, layers, {"kind": "poisson", "scale": 1.0, "signed": 1}, arch)
    _xavier(m)
    return m


MODELS = {
    "digits-bntt-mlp": lambda: mlp("digits-bntt-mlp", "digits", 64, 128, T=20),
    "digits-bntt-deep": lambda: deep_mlp("digits-bntt-deep", "digits", 64, 128, 3, T=20),
    "fmnist-bntt-mlp": lambda: mlp("fmnist-bntt-mlp", "fashion-mnist", 784, 256, T=20),
    "fmnist-bntt-conv": lambda: conv_net("fmnist-bntt-conv", T=20, norm="bntt"),
    "fmnist-bn-conv": lambda: conv_net("fmnist-bn-conv", T=20, norm="bn"),
    "digits-bntt-maxpool": lambda: conv_net("digits-bntt-maxpool", T=20, c1=8, c2=16, hidden=None,
                                            pool="max", dataset="digits", side=8),
}


def build(name, seed=0):
    """A freshly initialised model (initialisation seeded by `seed`)."""
    torch.manual_seed(seed)
    return MODELS[name]()
