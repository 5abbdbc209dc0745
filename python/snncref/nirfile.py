"""Writes and simulates NIR files (neuromorphs/NIR v1.0 HDF5 layout) with h5py alone.

The tests build their NIR inputs with :func:`write` (no `nir` package needed: every value is a
dataset, `/version`, `/node` with `type`, one dataset per field, NIRGraphs with `nodes/` and an
(E, 2) `edges` string dataset) and check snnc-run against :func:`simulate`, a numpy reference of
the discrete semantics in docs/nir.md (beta = 1 - dt/tau, gain r*dt/tau, zero reset to v_reset,
IF/I gain r, LI/I membrane read after the last step, a spiking output read as the spike count,
CubaLIF/CubaLI's synaptic current alpha = 1 - dt/tau_syn, gain w_in*dt/tau_syn before it).
"""
import h5py
import numpy as np


def _write_node(group, node):
    for key, value in node.items():
        if key == "nodes":
            sub = group.create_group("nodes")
            for name, child in value.items():
                _write_node(sub.create_group(name), child)
        elif key == "edges":
            data = np.array([[a.encode(), b.encode()] for a, b in value], dtype="S")
            group.create_dataset("edges", data=data if len(value) else np.zeros((0, 2), "S1"))
        elif isinstance(value, str):
            group.create_dataset(key, data=value, dtype=h5py.string_dtype())
        else:
            group.create_dataset(key, data=np.asarray(value))


def write(path, nodes, edges, version="1.0.0"):
    """nodes: {name: {"type": ..., field: array}} (a nested graph: type NIRGraph with "nodes" and
    "edges"); edges: [(source, destination)]."""
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data=version, dtype=h5py.string_dtype())
        _write_node(f.create_group("node"), {"type": "NIRGraph", "nodes": nodes, "edges": edges})


def lif(tau, v_threshold, r=None, v_leak=None, v_reset=None, dtype=np.float32):
    tau = np.asarray(tau, dtype)
    node = {"type": "LIF", "tau": tau, "v_threshold": np.asarray(v_threshold, dtype)}
    node["r"] = np.asarray(r if r is not None else tau / 1e-4, dtype)
    node["v_leak"] = np.asarray(v_leak if v_leak is not None else np.zeros_like(tau), dtype)
    if v_reset is not None:
        node["v_reset"] = np.asarray(v_reset, dtype)
    return node


def affine(weight, bias=None):
    node = {"type": "Affine" if bias is not None else "Linear", "weight": np.asarray(weight, np.float32)}
    if bias is not None:
        node["bias"] = np.asarray(bias, np.float32)
    return node


def _pair(value):
    v = np.asarray(value).reshape(-1)
    return int(v[0]), int(v[-1])


def _windows(v, kernel, stride, pad, dilation=(1, 1)):
    v = np.pad(v, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    kh = dilation[0] * (kernel[0] - 1) + 1
    kw = dilation[1] * (kernel[1] - 1) + 1
    w = np.lib.stride_tricks.sliding_window_view(v, (kh, kw), axis=(2, 3))
    return w[:, :, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _conv2d(v, node):
    weight = np.asarray(node["weight"], np.float32)
    win = _windows(v, weight.shape[2:], _pair(node.get("stride", 1)), _pair(node.get("padding", 0)),
                   _pair(node.get("dilation", 1)))
    out = np.einsum("nchwij,ocij->nohw", win, weight, dtype=np.float64).astype(np.float32)
    if "bias" in node:
        out = out + np.asarray(node["bias"], np.float32)[None, :, None, None]
    return out


def _pool(v, node, average):
    kernel = _pair(node["kernel_size"])
    win = _windows(v, kernel, _pair(node.get("stride", kernel[0])), _pair(node.get("padding", 0)))
    out = win.sum(axis=(4, 5), dtype=np.float64)
    return (out / (kernel[0] * kernel[1]) if average else out).astype(np.float32)


def _per_channel(value, shape):
    v = np.asarray(value, np.float64).reshape(-1)
    if v.size == 1:
        return np.full(shape[0], v[0])
    if v.size == shape[0]:
        return v
    return v.reshape(shape[0], -1)[:, 0]


def _bcast(per_channel, shape):
    return per_channel.astype(np.float32).reshape((shape[0],) + (1,) * (len(shape) - 1))


def _unit(gain):
    """A gain within 4 float32 ulps of 1 is 1 (r = tau/dt rounded), as snnc reads it."""
    return np.where(np.abs(gain - 1) <= 4 * 2.0**-24, 1.0, gain)


def _synapse(node, state, name, v, dt):
    """CubaLIF/CubaLI's synaptic current: i = alpha i + w x with alpha = 1 - dt/tau_syn and
    w = w_in dt/tau_syn (1 without w_in), two float32 roundings; returns i."""
    shape = v.shape[1:]
    tau = _per_channel(node["tau_syn"], shape)
    alpha = (1 - dt / tau).astype(np.float32)
    w = _unit(_per_channel(node["w_in"], shape) * dt / tau) if "w_in" in node else np.ones_like(tau)
    i = state.get(name + ".syn", np.zeros_like(v))
    i = (_bcast(alpha, shape) * i).astype(np.float32) + (_bcast(w, shape) * v).astype(np.float32)
    state[name + ".syn"] = i
    return i


def simulate(nodes, order, x, dt=1e-4):
    """Runs a chain `order` of node names (Input first, Output last) on x [N, T, ...] and
    returns (outputs [N, classes], spike counts {name: [N]}). Float32 throughout."""
    n_samples, steps = x.shape[:2]
    state, spikes, counts = {}, {}, {}
    out = None
    for t in range(steps):
        v = x[:, t].astype(np.float32)
        for name in order[1:]:
            node = nodes[name]
            kind = node["type"]
            if kind in ("Affine", "Linear"):
                v = v @ np.asarray(node["weight"], np.float32).T
                if kind == "Affine":
                    v = v + np.asarray(node["bias"], np.float32)
            elif kind == "Conv2d":
                v = _conv2d(v, node)
            elif kind in ("SumPool2d", "AvgPool2d"):
                v = _pool(v, node, kind == "AvgPool2d")
            elif kind == "Threshold":
                v = (v > np.float32(np.asarray(node["threshold"]).reshape(-1)[0])).astype(np.float32)
                counts[name] = counts.get(name, 0) + v.reshape(n_samples, -1).sum(1)
            elif kind == "Flatten":
                v = v.reshape(n_samples, -1)
            elif kind in ("LIF", "IF", "LI", "I", "CubaLIF", "CubaLI"):
                shape = v.shape[1:]
                if kind.startswith("Cuba"):
                    v = _synapse(node, state, name, v, dt)
                    kind = kind[4:]
                    node = dict(node, tau=node["tau_mem"])
                if kind in ("LIF", "LI"):
                    tau = _per_channel(node["tau"], shape)
                    r = _per_channel(node.get("r", tau / dt), shape)
                    beta = (1 - dt / tau).astype(np.float32)
                    gain = _unit(r * dt / tau)
                    bias = _per_channel(node.get("v_leak", 0.0), shape) * dt / tau
                else:
                    beta = np.ones(shape[0], np.float32)
                    gain = _per_channel(node.get("r", 1.0), shape)
                    bias = np.zeros(shape[0])
                u = state.get(name, np.zeros_like(v))
                u = _bcast(beta, shape) * u + _bcast(gain, shape) * v + _bcast(bias, shape)
                if kind in ("LIF", "IF"):
                    thr = _bcast(_per_channel(node["v_threshold"], shape), shape)
                    s = (u > thr).astype(np.float32)
                    reset = float(np.asarray(node.get("v_reset", 0.0)).reshape(-1)[0])
                    u = np.where(s > 0, np.float32(reset), u).astype(np.float32)
                    counts[name] = counts.get(name, 0) + s.reshape(n_samples, -1).sum(1)
                    spikes[name] = s
                    v = s
                else:
                    v = u
                state[name] = u
            elif kind == "Output":
                break
            else:
                raise ValueError(f"simulate: node type {kind} not in the reference")
        last = order[-2]
        if nodes[last]["type"] in ("LI", "I", "CubaLI"):
            out = v
        else:
            out = v if out is None else out + v
    if nodes[order[-2]]["type"] not in ("LI", "I", "CubaLI"):
        out = out / np.float32(steps)
    return out, counts
