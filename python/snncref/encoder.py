"""Input encoders of the snnc profile.

Poisson encoder (deterministic, portable). For seed s (uint64), dataset sample index n, step t,
flat element index i (row-major C,H,W), D elements per sample, T = the model's num_steps, all
arithmetic mod 2^64:
    c = (n*T + t)*D + i
    z = s + (c + 1) * 0x9E3779B97F4A7C15
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    z = z ^ (z >> 31)
    u = (z >> 40) * 2^-24                      (exact in float32)
    spike = sign(x) if x != 0 and float32(u * scale) <= |x| else 0
    with signed = 0, negative inputs never spike.
"""
import numpy as np

GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S40 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(40)
_ONE = np.uint64(1)
_INV24 = np.float32(2.0 ** -24)


def uniform(seed, sample_index, t, num_steps, num_elements):
    """u in [0,1) as float32, shape [len(sample_index), num_elements], for step t (int or array [S]).

    If t is an array of S steps, the result has shape [S, N, D].
    """
    n = np.asarray(sample_index, dtype=np.uint64).reshape(-1)
    i = np.arange(num_elements, dtype=np.uint64)
    T = np.uint64(num_steps)
    D = np.uint64(num_elements)
    s = np.uint64(seed)
    ts = np.asarray(t, dtype=np.uint64)
    scalar_t = ts.ndim == 0
    ts = ts.reshape(-1, 1, 1)
    with np.errstate(over="ignore"):
        c = (n.reshape(1, -1, 1) * T + ts) * D + i.reshape(1, 1, -1)
        z = s + (c + _ONE) * GOLDEN_GAMMA
        z = (z ^ (z >> _S30)) * MIX1
        z = (z ^ (z >> _S27)) * MIX2
        z = z ^ (z >> _S31)
    u = (z >> _S40).astype(np.float32) * _INV24
    return u[0] if scalar_t else u


def normalize(x, mean=None, std=None):
    """Per-channel input normalisation before encoding: (x - mean[c]) / std[c] in float32, channel
    axis 1 (the model's dim 0). mean/std None -> x unchanged."""
    x = np.asarray(x, dtype=np.float32)
    if mean is None:
        return x
    shape = (1, -1) + (1,) * (x.ndim - 2)
    m = np.asarray(mean, np.float32).reshape(shape)
    s = np.asarray(std, np.float32).reshape(shape)
    return ((x - m) / s).astype(np.float32)


def poisson_encode(x, sample_index, t, num_steps, seed=0, scale=1.0, signed=1):
    """Spikes (float32, values -1/0/1) for input x [N, ...] at step t (int or array of steps).

    Returns [N, ...] for an int t, [S, N, ...] for an array of S steps.
    """
    x = np.asarray(x, dtype=np.float32)
    N = x.shape[0]
    D = int(np.prod(x.shape[1:]))
    u = uniform(seed, sample_index, t, num_steps, D)
    xf = x.reshape(N, D)
    fire = (xf != 0) & (u * np.float32(scale) <= np.abs(xf))
    if not signed:
        fire &= xf > 0
    out = np.where(fire, np.sign(xf), np.float32(0)).astype(np.float32)
    return out.reshape(u.shape[:-2] + x.shape) if np.ndim(t) else out.reshape(x.shape)


def direct_encode(x, *args, **kwargs):
    """DirectEncode: the analog input unchanged at every step."""
    return np.asarray(x, dtype=np.float32)
