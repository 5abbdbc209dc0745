#!/usr/bin/env python3
"""The two partitioners side by side (issue 19): mapping.partitioner = structured | metis, with
one layer per core and with mapping.share_cores, on the shipped conv net, VGG9, VGG11 and a
residual network (ADD of a 3x3 and a 1x1 convolution branch), loihi2, default activity.

Not a test: it prints cores (and the lower bound), the expected spikes per step between cores and
the hop-weighted traffic after placement, with the CPU model. The residual network is written
here with zero weights (the mapper reads shapes and tables). VGG9/VGG11 come from
bench/make_paper_models.py (--models DIR; skipped when missing).

  PYTHONPATH=python:build/python-gen /usr/bin/python3 bench/map_partitioners.py
      [--models bench/models] [--snnc-map build/bin/snnc-map] [--snnc build/bin/snnc]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build", "python-gen"))
from snncref.modelbin import _generated, _tensor, frame, window_output_size  # noqa: E402

T, T_EXIT = 25, 15


def residual_model(path, blocks=3, width=64, side=32):
    """conv-LIF, then `blocks` residual blocks: LIF(conv3x3(LIF(conv3x3 x)) + conv1x1 x), each
    block after the first halving the map (stride 2) and doubling the width; pool, fc, readout."""
    pb = _generated()
    L = pb.Layer
    m = pb.Model(producer="bench/map_partitioners.py", source_name="residual", num_steps=T,
                 early_exit_step=T_EXIT, fold_mode="exact")
    m.input_shape.extend([3, side, side])
    shapes = []

    def add(name, kind, inputs, shape, binary=False):
        layer = m.layers.add(name=name, kind=kind, binary=binary)
        layer.inputs.extend(inputs)
        layer.shape.extend(shape)
        shapes.append(list(shape))
        return len(m.layers) - 1

    def conv(name, x, out, k, stride):
        c, h, w = shapes[x]
        pad = k // 2
        shape = [out, window_output_size(h, k, stride, pad, pad), window_output_size(w, k, stride, pad, pad)]
        i = add(name, L.CONV2D, [x], shape)
        cv = m.layers[i].conv2d
        _tensor(cv.weight, np.zeros((out, c, k, k), np.float32))
        cv.strides.extend([stride, stride])
        cv.pads.extend([pad] * 4)
        cv.dilations.extend([1, 1])
        cv.groups = 1
        return i

    def lif(name, x):
        c = shapes[x][0]
        i = add(name, L.LIF, [x], shapes[x], True)
        f = m.layers[i].lif
        f.reset = pb.LIF.SOFT
        for table, v in ((f.threshold, 1.0), (f.leak, 0.95), (f.bias, 0.0), (f.gain, 1.0)):
            _tensor(table, np.full((T, c), v, np.float32))
        return i

    x = add("encode", L.ENCODE, [], [3, side, side], True)
    e = m.layers[x].encoder
    e.kind, e.scale, e.signed = pb.Encoder.POISSON, 1.0, True
    x = lif("lif0", conv("conv0", x, width, 3, 1))
    for b in range(blocks):
        stride = 1 if b == 0 else 2
        out = width * (2 ** b)
        y = lif(f"lif{b}a", conv(f"conv{b}a", x, out, 3, stride))
        y = conv(f"conv{b}b", y, out, 3, 1)
        s = conv(f"skip{b}", x, out, 1, stride)
        x = lif(f"lif_res{b}", add(f"add{b}", L.ADD, [y, s], shapes[y]))
    c, h, w = shapes[x]
    p = add("pool", L.AVG_POOL2D, [x], [c, h // 2, w // 2])
    m.layers[p].pool.kernel.extend([2, 2])
    m.layers[p].pool.strides.extend([2, 2])
    m.layers[p].pool.pads.extend([0, 0, 0, 0])
    f = add("flatten", L.FLATTEN, [p], [c * (h // 2) * (w // 2)])
    d = add("fc", L.DENSE, [f], [10])
    _tensor(m.layers[d].dense.weight, np.zeros((10, shapes[f][0]), np.float32))
    add("readout", L.READOUT, [d], [10])
    m.output_layer = len(m.layers) - 1
    with open(path, "wb") as fh:
        fh.write(frame(m.SerializeToString()))


def cpu():
    with open("/proc/cpuinfo") as f:
        name = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "unknown")
    return f"{name} ({os.cpu_count()} logical CPUs, shared with other jobs)"


def mapped(snnc_map, model, partitioner, share):
    """The JSON of one snnc-map run and its CPU seconds (user + system), or None and why."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        p = subprocess.run([snnc_map, model, "--hw", "loihi2", "--set", f"partitioner={partitioner}",
                            "--set", f"share_cores={'true' if share else 'false'}", "--json", out.name],
                           capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if p.returncode != 0:
            return None, p.stderr.strip().splitlines()[-1][:120], cpu
        return json.load(open(out.name)), "", cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=os.path.join(ROOT, "bench", "models"))
    ap.add_argument("--snnc-map", default=os.path.join(ROOT, "build", "bin", "snnc-map"))
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="map_partitioners.")
    nets = []
    conv = os.path.join(work, "conv.bin")
    subprocess.run([a.snnc, os.path.join(ROOT, "models", "fmnist-bntt-conv", "model.onnx"), "-o", conv],
                   check=True, capture_output=True)
    nets.append(("fmnist-bntt-conv", conv))
    for name in ("vgg9", "vgg11"):
        path = os.path.join(a.models, name, "model.bin")
        if os.path.exists(path):
            nets.append((name, path))
    res = os.path.join(work, "residual.bin")
    residual_model(res)
    nets.append(("residual (3 blocks)", res))
    print(f"CPU: {cpu()}; loihi2, default activity; CPU s = user + system of the whole snnc-map run")
    print("| network | cores mix layers | structured: cores (bound) | metis: cores | auto keeps | "
          "spike messages/step between cores (structured / metis) | hop-weighted traffic (structured / metis) | "
          "CPU s (structured / metis) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, path in nets:
        for share in (False, True):
            s, why_s, cpu_s = mapped(a.snnc_map, path, "structured", share)
            m, why_m, cpu_m = mapped(a.snnc_map, path, "metis", share)
            auto, _, _ = mapped(a.snnc_map, path, "auto", share)
            if s is None:
                print(f"| {name} | {share} | {why_s} | | | | | |")
                continue
            keeps = auto["partitioner"]["used"] if auto else "-"
            bound = s["shared_lower_bound"] if share else s["lower_bound"]
            mc = m["cores"] if m else f"no mapping ({why_m})"
            mt = f"{m['partitioner']['metis_traffic']:.4g}" if m else "-"
            # Both partitions' traffic comes from the METIS run (it computes both).
            st = f"{m['partitioner']['structured_traffic']:.4g}" if m else "-"
            mh = f"{m['hop_traffic_per_step']['final']:.4g}" if m else "-"
            sh = f"{s['hop_traffic_per_step']['final']:.4g}"
            print(f"| {name} | {share} | {s['cores']} ({bound}) | {mc} | {keeps} | "
                  f"{st} / {mt} | {sh} / {mh} | "
                  f"{cpu_s:.2f} / {cpu_m:.2f} |")


if __name__ == "__main__":
    main()
