"""Cross-check snnc-map's energy and latency against SANA-FE (issue 19).

For each network: snnc compiles the ONNX model and snnc-map maps it onto hw/loihi1-sanafe.json
(SANA-FE's Loihi costs); the mapped network (neurons, the synapses and weights of every
projection with average pooling folded in as snnc-map folds it, the LIF parameters, the core of
every neuron from snnc-map's core_list, and Poisson input spikes from snncref's encoder) is
exported through SANA-FE's Python API and simulated on SANA-FE's shipped Loihi architecture
(sanafe/examples/loihi.yaml). SANA-FE's own activity (spikes per layer per step, synaptic events
per projection) is then written as an snnc-run-style profile and given back to snnc-map, so that
both models price the same activity, once with SANA-FE's costs and once with Davies 2018's
(hw/loihi1.json). Prints the comparison per term and the CPU. Needs `sanafe` (PyPI 2.2.x) in a
virtualenv, never in CI:

    /usr/bin/python3 -m venv --system-site-packages /work/venv-sana
    /work/venv-sana/bin/pip install 'sanafe>=2.2,<2.3'
    PYTHONPATH=python /work/venv-sana/bin/python bench/sanafe_crosscheck.py [--samples 2]

BNTT is approximated in SANA-FE: weights scaled by the channel's mean gain over steps, the
per-step BNTT shift as a per-step bias (SANA-FE's `biases`); SANA-FE's activity is what both
models price, so the approximation does not enter the comparison.
"""
import argparse
import importlib.resources
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import helper, numpy_helper

from snncref import encoder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PJ = 1e12


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def conv_triples(shape, w, a):
    """(dst, src, weight) of a convolution over CHW input `shape`; returns them and the out shape."""
    C, H, W = shape
    O, Ig, KH, KW = w.shape
    g = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    OH = (H + pt + pb - (KH - 1) * dh - 1) // sh + 1
    OW = (W + pl + pr - (KW - 1) * dw - 1) // sw + 1
    o, i, ky, kx, y, x = np.meshgrid(np.arange(O), np.arange(Ig), np.arange(KH), np.arange(KW),
                                     np.arange(OH), np.arange(OW), indexing="ij")
    c = (o // (O // g)) * Ig + i
    iy, ix = y * sh - pt + ky * dh, x * sw - pl + kx * dw
    ok = (iy >= 0) & (iy < H) & (ix >= 0) & (ix < W)
    dst = ((o * OH + y) * OW + x)[ok]
    src = ((c * H + iy.clip(0, H - 1)) * W + ix.clip(0, W - 1))[ok]
    return dst, src, w[o, i, ky, kx][ok], (O, OH, OW)


def pool_triples(shape, a):
    """Average pooling as (pooled, pre, weight) triples."""
    C, H, W = shape
    KH, KW = a["kernel_shape"]
    w = np.full((C, C, KH, KW), 0.0, np.float64)
    for ch in range(C):
        w[ch, ch] = 1.0
    pads = a.get("pads", [0, 0, 0, 0])
    dst, src, wt, out = conv_triples(shape, w, {"strides": a.get("strides", [KH, KW]), "pads": pads})
    keep = wt != 0
    dst, src = dst[keep], src[keep]
    if a.get("count_include_pad", 0) or not any(pads):
        wt = np.full(dst.shape, 1.0 / (KH * KW))
    else:
        wt = 1.0 / np.bincount(dst, minlength=int(np.prod(out)))[dst]
    return dst, src, wt, out


def compose(outer, inner):
    """outer: (dst, mid, w) after inner: (mid, src, w) -> (dst, src, w), duplicates summed."""
    od, om, ow = outer
    idst, isrc, iw = inner
    order = np.argsort(idst, kind="stable")
    idst, isrc, iw = idst[order], isrc[order], iw[order]
    start = np.searchsorted(idst, om, "left")
    count = np.searchsorted(idst, om, "right") - start
    rep = np.repeat(np.arange(len(om)), count)
    pos = np.repeat(start, count) + (np.arange(rep.size) - np.repeat(np.cumsum(count) - count, count))
    d, s, w = od[rep], isrc[pos], ow[rep] * iw[pos]
    key = d.astype(np.int64) * (int(isrc.max()) + 1) + s
    uk, inv = np.unique(key, return_inverse=True)
    return uk // (int(isrc.max()) + 1), uk % (int(isrc.max()) + 1), np.bincount(inv, weights=w)


def layers_of(model_path):
    """The network as layers: input shape, then per LIF/Readout its source layer, linear map
    (dst, src, w), shape, per-channel gain/shift per step and LIF parameters."""
    m = onnx.load(model_path)
    init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}
    meta = {p.key: p.value for p in m.metadata_props}
    T = int(meta.get("snnc.num_steps", 0)) or None
    inp = m.graph.input[0].type.tensor_type.shape.dim
    in_shape = tuple(d.dim_value for d in inp[1:])
    in_shape = in_shape if len(in_shape) == 3 else (in_shape[0], 1, 1)
    layers, enc = [], None
    cur = None  # (source layer index, triples or None, shape, gain, shift)
    for n in m.graph.node:
        a, op = attrs(n), n.op_type
        if op == "PoissonEncode":
            enc = a
            cur = (-1, None, in_shape, None, None)
        elif op in ("Conv", "Gemm", "AveragePool", "Flatten"):
            src, tr, shape, _, _ = cur
            if op == "Conv":
                new = conv_triples(shape, init[n.input[1]], a)
            elif op == "AveragePool":
                new = pool_triples(shape, a)
            elif op == "Flatten":
                continue
            else:
                w = init[n.input[1]]
                w = w if a.get("transB", 0) else w.T
                o, i = np.meshgrid(np.arange(w.shape[0]), np.arange(w.shape[1]), indexing="ij")
                new = (o.ravel(), i.ravel(), w.ravel(), (w.shape[0], 1, 1))
            trip = new[:3] if tr is None else compose(new[:3], tr)
            cur = (src, trip, new[3], None, None)
        elif op == "BatchNormalization":
            scale, bias, mean, var = (init[x] for x in n.input[1:5])
            k = scale / np.sqrt(var + a.get("epsilon", 1e-5))
            cur = cur[:3] + (k[None], (bias - mean * k)[None])
        elif op == "BNTT":
            scale, mean, var = (init[x] for x in n.input[1:4])
            k = scale / np.sqrt(var + a.get("epsilon", 1e-4))
            shift = -mean * k
            if len(n.input) > 4 and n.input[4]:
                shift = shift + init[n.input[4]]
            cur = cur[:3] + (k, shift)
        elif op in ("LIF", "Readout"):
            src, tr, shape, gain, shift = cur
            layers.append(dict(name=n.output[0], kind=op, source=src, triples=tr, shape=shape,
                               gain=gain, shift=shift, leak=float(a.get("leak", 1.0)),
                               threshold=float(a.get("threshold", 1.0)),
                               reset=(a.get("reset", b"soft").decode() if isinstance(a.get("reset"), bytes)
                                      else a.get("reset", "soft"))))
            cur = (len(layers) - 1, None, shape, None, None)
        else:
            raise SystemExit(f"sanafe_crosscheck: unsupported op {op} in {model_path}")
    return in_shape, enc, T, layers


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0,):
        raise SystemExit(f"sanafe_crosscheck: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return p.stdout


def snnc_map(model_bin, hw, sets, out, profile=None):
    cmd = [f"{ROOT}/build/bin/snnc-map", model_bin, "--hw", hw, "--json", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    if profile:
        cmd += ["--profile", profile]
    run(cmd)
    with open(out) as f:
        return json.load(f)


def input_spikes(model_dir, enc, T, samples, in_shape):
    x = np.load(f"{model_dir}/golden/inputs.npy")[:samples].astype(np.float32)
    x = x.reshape((samples,) + tuple(in_shape))
    x = encoder.normalize(x, enc.get("mean"), enc.get("std"))
    s = np.stack([encoder.poisson_encode(x, np.arange(samples), t, T, 0, enc.get("scale", 1.0),
                                         enc.get("signed", 1)) for t in range(T)], 1)
    return (s.reshape(samples, T, -1) != 0).astype(np.int8)  # [sample, t, neuron]


def build_sanafe(sf, arch, mapped, in_shape, layers, spikes, T):
    """SANA-FE network of one sample: groups, sparse connections, cores from snnc-map."""
    net = sf.Network()
    n_in = int(np.prod(in_shape))
    inp = net.create_neuron_group("encode", n_in, model_attributes={})
    groups = []
    for li, l in enumerate(layers):
        groups.append(net.create_neuron_group(l["name"], int(np.prod(l["shape"])), model_attributes={
            "threshold": l["threshold"] if l["kind"] == "LIF" else 1e30, "leak_decay": l["leak"],
            "reset_mode": "soft" if l["reset"] == "soft" else "hard"}))
    ty = 4  # loihi1-sanafe: 8 x 4 tiles; SANA-FE numbers tile (x, y) as x * height + y
    cores_of = {}
    for c in mapped["core_list"]:
        cores_of.setdefault(c["layer"], []).append(c)
    names = [l["name"] for l in mapped["layers"] if l["kind"] in ("spiking", "readout")]
    used = set()
    for l, g, snnc_name in zip(layers, groups, names):
        C, H, W = l["shape"]
        for c in cores_of[snnc_name]:
            c0, c1, h0, h1, w0, w1 = c["block"]
            if c["chip"] != 0:
                raise SystemExit("sanafe_crosscheck: SANA-FE's Loihi architecture is one chip")
            tile = c["tile"][0] * ty + c["tile"][1]
            core = arch.tiles[tile].cores[c["slot"]]
            used.add((tile, c["slot"]))
            idx = (np.arange(c0, c1)[:, None, None] * H + np.arange(h0, h1)[None, :, None]) * W \
                + np.arange(w0, w1)[None, None, :]
            for i in idx.ravel():
                g[int(i)].set_attributes(log_spikes=True)
                g[int(i)].map_to_core(core)
    free = [(t, s) for t in range(len(arch.tiles)) for s in range(4) if (t, s) not in used]
    tile, slot = free[0]  # the host port: the first free core (snnc-map: tile (0, 0))
    for i in range(n_in):
        n = inp[i]
        n.set_attributes(soma_hw_name=f"loihi_inputs[{i}]",
                         model_attributes={"spikes": [int(v) for v in spikes[:, i]]})
        n.map_to_core(arch.tiles[tile].cores[slot])
    for l, g in zip(layers, groups):
        src = inp if l["source"] < 0 else groups[l["source"]]
        dst, s, w = l["triples"]
        C = l["shape"][0]
        ch = dst // (l["shape"][1] * l["shape"][2])
        if l["gain"] is not None:
            w = w * l["gain"].mean(0)[ch]
            for i in range(len(g)):
                c = i // (l["shape"][1] * l["shape"][2])
                g[i].set_attributes(model_attributes={"biases": [float(b) for b in l["shift"][:, c]]}
                                    if l["shift"].shape[0] > 1 else {"bias": float(l["shift"][0, c])})
        src.connect_neurons_sparse(g, {"weight": [float(v) for v in w]},
                                   list(zip(s.tolist(), dst.tolist())))
    return net, (tile, slot)


def simulate(sf, arch_path, mapped, in_shape, layers, spikes, T):
    arch = sf.load_arch(arch_path)
    net, host = build_sanafe(sf, arch, mapped, in_shape, layers, spikes, T)
    chip = sf.SpikingChip(arch)
    chip.load(net)
    r = chip.sim(T, spike_trace=True, perf_trace=True)
    per = {l["name"]: np.zeros(T) for l in layers}
    counts = {l["name"]: np.zeros(int(np.prod(l["shape"]))) for l in layers}
    for t, step in enumerate(r["spike_trace"]):
        for a in step:
            g = a.group_name
            if g in per:
                per[g][t] += 1
                counts[g][a.neuron_offset] += 1
    return r, per, counts, host


MODELS = ["fmnist-bntt-mlp", "digits-bntt-mlp", "digits-bntt-deep", "fmnist-bntt-conv", "fmnist-bn-conv"]
# What each network needs on loihi1: folded pooling gives fc1 6272 fan-in axons (> 4096).
SETS = {"fmnist-bntt-conv": ["fanin_axons=8192"], "fmnist-bn-conv": ["fanin_axons=8192"]}


def crosscheck(sf, name, samples, work):
    model_dir = f"{ROOT}/models/{name}"
    model_bin = f"{work}/{name}.bin"
    run([f"{ROOT}/build/bin/snnc", f"{model_dir}/model.onnx", "-o", model_bin])
    sets = SETS.get(name, [])
    mapped = snnc_map(model_bin, f"{ROOT}/hw/loihi1-sanafe.json", sets, f"{work}/{name}.map.json")
    in_shape, enc, T, layers = layers_of(f"{model_dir}/model.onnx")
    T = mapped["num_steps"]
    spikes = input_spikes(model_dir, enc, T, samples, in_shape)
    arch_path = str(importlib.resources.files("sanafe.examples") / "loihi.yaml")
    energy = {"synapse": 0.0, "soma": 0.0, "network": 0.0, "total": 0.0}
    sim_time, wall = 0.0, time.time()
    per = {l["name"]: np.zeros(T) for l in layers}
    events = np.zeros(len(layers))
    fired = 0
    for k in range(samples):
        r, p, counts, host = simulate(sf, arch_path, mapped, in_shape, layers, spikes[k], T)
        for key in energy:
            energy[key] += r["energy"][key] * PJ / samples
        sim_time += r["sim_time"] / samples
        for li, l in enumerate(layers):
            per[l["name"]] += p[l["name"]]
            fired += p[l["name"]].sum() if l["kind"] == "LIF" else 0
            src = l["triples"][1]
            outdeg = np.bincount(src, minlength=spikes.shape[2] if l["source"] < 0 else
                                 int(np.prod(layers[l["source"]]["shape"])))
            act = spikes[k].sum(0) if l["source"] < 0 else counts[layers[l["source"]]["name"]]
            events[li] += float((act * outdeg).sum())
    wall = time.time() - wall
    names = [l for l in mapped["layers"] if l["kind"] in ("spiking", "readout")]
    profile = {"samples": samples, "num_steps": T, "steps": T, "mean_steps_executed": T,
               "spikes": {m["name"]: [int(v) for v in per[l["name"]]]
                          for m, l in zip(names, layers) if l["kind"] == "LIF"},
               "synaptic_events": {m["inputs"][0]["synapse_layer"]: int(events[li])
                                   for li, m in enumerate(names)}}
    prof = f"{work}/{name}.sanafe-profile.json"
    with open(prof, "w") as f:
        json.dump(profile, f)
    ours = snnc_map(model_bin, f"{ROOT}/hw/loihi1-sanafe.json", sets, f"{work}/{name}.ours.json", prof)
    davies = snnc_map(model_bin, f"{ROOT}/hw/loihi1.json", sets, f"{work}/{name}.davies.json", prof)
    neurons = sum(int(np.prod(l["shape"])) for l in layers)
    spike_out = fired / samples * 69.3
    access = neurons * T * 51.2
    return dict(name=name, T=T, cores=mapped["cores"], sets=sets, sanafe=energy,
                sanafe_soma_split=(access, energy["soma"] - access - spike_out, spike_out),
                sanafe_latency_us=sim_time * 1e6, ours=ours["at_T"], davies=davies["at_T"],
                wall_s=wall, neurons=neurons, synapses=int(sum(len(l["triples"][0]) for l in layers)))


def pct(a, b):
    return f"{100.0 * (a - b) / b:+.1f} %" if b else "n/a"


def table(results):
    head = ("| network (T) | cores | term | SANA-FE | snnc-map, SANA-FE costs | diff | snnc-map, Davies 2018 "
            "costs |\n|---|---|---|---|---|---|---|")
    rows = [head]
    for r in results:
        o, d, s = r["ours"]["energy_pj"], r["davies"]["energy_pj"], r["sanafe"]
        terms = [("synapses", s["synapse"], o["synops"], d["synops"]),
                 ("soma (updates + spike out)", s["soma"], o["updates_active"] + o["updates_inactive"] +
                  o["spike_out"], d["updates_active"] + d["updates_inactive"] + d["spike_out"]),
                 ("network (messages + hops)", s["network"], o["routing"], d["routing"]),
                 ("static", 0.0, o["static_barrier"], d["static_barrier"]),
                 ("**total energy**", s["total"], o["total"], d["total"])]
        label = f"{r['name']} ({r['T']})" + (" `--set " + " ".join(r["sets"]) + "`" if r["sets"] else "")
        for i, (t, a, b, c) in enumerate(terms):
            rows.append(f"| {label if i == 0 else ''} | {r['cores'] if i == 0 else ''} | {t} | "
                        f"{a / 1e6:.3f} uJ | {b / 1e6:.3f} uJ | {pct(b, a)} | {c / 1e6:.3f} uJ |")
        lat_o, lat_d = r["ours"]["latency_ns"] / 1e3, r["davies"]["latency_ns"] / 1e3
        rows.append(f"| | | latency | {r['sanafe_latency_us']:.1f} us | {lat_o:.1f} us | "
                    f"{pct(lat_o, r['sanafe_latency_us'])} | {lat_d:.1f} us |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=2)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--json", help="write the raw results here")
    args = ap.parse_args(argv)
    try:
        import sanafe as sf
    except ImportError as e:
        raise SystemExit(f"sanafe_crosscheck: SANA-FE is not installed ({e}); see the header")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    results = []
    with tempfile.TemporaryDirectory() as work:
        for name in args.models.split(","):
            r = crosscheck(sf, name, args.samples, work)
            results.append(r)
            print(f"{name}: {r['neurons']} neurons, {r['synapses']} synapses, {r['cores']} cores, "
                  f"SANA-FE {r['wall_s']:.1f} s for {args.samples} samples; soma access/update/spike-out "
                  + "/".join(f"{v / 1e6:.3f}" for v in r["sanafe_soma_split"]) + " uJ", flush=True)
    print(f"\nper inference, mean of {args.samples} samples (SANA-FE {sf.__name__} "
          f"{getattr(sf, '__version__', '2.2.x')}, CPU: {cpu})\n")
    print(table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=float)


if __name__ == "__main__":
    sys.exit(main())
