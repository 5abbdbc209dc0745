"""model.bin from a reference model, written with the code protoc generates from the schema.

The one Python writer of model.bin (docs/model-bin.md). The message classes are not written by
hand: the build runs `protoc --python_out` on runtime/schema/model.proto (target
snnc_modelbin_python, into BUILD/python-gen/snnc/modelbin/model_pb2.py; Debian's python3-protobuf
reads them), so field numbers and layer kinds (`model_pb2.Layer.CONV2D`, ...) come from the schema.
The framing (magic, version, header size, CRC-32) is docs/model-bin.md section 1.

The model is written unfolded: each BNTT (and static batch norm) becomes two CHANNEL_AFFINE layers,
which the runtime computes exactly, so the runtime can be checked against PyTorch without the
compiler (runtime-fidelity-ref-*, the CUDA golden tests in a runtime-only build, bench/).

  python3 -m snncref.modelbin MODEL.onnx OUT.bin [--early-exit-step N | --info INFO.json]

--info takes the exit step from a model directory's info.json (its `early_exit_step`, as the
training and bench scripts write it; none there: T), so that callers do not each parse it.
"""
import os
import struct
import sys
import zlib

import numpy as np

MAGIC = b"SNNCMBIN"
FORMAT_VERSION = 1
HEADER_SIZE = 32


def _generated():
    """snnc.modelbin.model_pb2, generated at build time (PYTHONPATH or SNNC_PYTHON_GEN)."""
    extra = os.environ.get("SNNC_PYTHON_GEN")
    if extra and extra not in sys.path:
        sys.path.insert(0, extra)
    try:
        from snnc.modelbin import model_pb2
    except ImportError as e:
        raise ImportError("snncref.modelbin needs the protoc-generated snnc/modelbin/model_pb2.py: "
                          "build the target snnc_modelbin_python and put BUILD/python-gen on "
                          "PYTHONPATH (or set SNNC_PYTHON_GEN)") from e
    return model_pb2


def window_output_size(size, kernel, stride=1, pad_begin=0, pad_end=0, dilation=1):
    """ONNX floor-mode conv/pool output extent: the rule of runtime/include/snnc/modelbin/Shapes.h."""
    return (size + pad_begin + pad_end - dilation * (kernel - 1) - 1) // stride + 1


def frame(payload):
    """The 32-byte header followed by the payload."""
    crc = zlib.crc32(payload) & 0xFFFFFFFF
    return MAGIC + struct.pack("<IIQII", FORMAT_VERSION, HEADER_SIZE, len(payload), crc, 0) + payload


def _tensor(t, a):
    a = np.ascontiguousarray(a, dtype="<f4")
    t.shape.extend(int(d) for d in a.shape)
    t.data = a.tobytes()


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


class _Builder:
    def __init__(self, pb, model, source_name, early_exit_step, producer):
        self.pb, self.T = pb, model.num_steps
        self.m = pb.Model(producer=producer, source_name=source_name, num_steps=self.T,
                          early_exit_step=early_exit_step or self.T, fold_mode="none")
        self.m.input_shape.extend(model.input_shape)
        self.shape = list(model.input_shape)

    def add(self, name, kind, shape, binary=False):
        layer = self.m.layers.add(name=name, kind=kind, binary=binary)
        if len(self.m.layers) > 1:
            layer.inputs.append(len(self.m.layers) - 2)
        layer.shape.extend(int(d) for d in shape)
        self.shape = list(shape)
        return layer

    def encoder(self, cfg):
        L = self.pb.Layer
        direct = cfg["kind"] == "direct"
        e = self.add("encode", L.ENCODE, self.shape, not direct).encoder
        if direct:
            e.kind = self.pb.Encoder.DIRECT
        else:
            e.kind, e.scale = self.pb.Encoder.POISSON, float(cfg.get("scale", 1.0))
            e.signed = bool(cfg.get("signed", 1))

    def conv(self, name, m):
        w = m.weight.detach().numpy()
        (sh, sw), (ph, pw), (dh, dw) = m.stride, m.padding, m.dilation
        C, H, W = self.shape
        out = [w.shape[0], window_output_size(H, w.shape[2], sh, ph, ph, dh),
               window_output_size(W, w.shape[3], sw, pw, pw, dw)]
        c = self.add(name, self.pb.Layer.CONV2D, out).conv2d
        _tensor(c.weight, w)
        if m.bias is not None:
            _tensor(c.bias, m.bias.detach().numpy())
        c.strides.extend([sh, sw])
        c.pads.extend([ph, pw, ph, pw])
        c.dilations.extend([dh, dw])
        c.groups = m.groups

    def dense(self, name, m):
        d = self.add(name, self.pb.Layer.DENSE, [m.out_features]).dense
        _tensor(d.weight, m.weight.detach().numpy())
        if m.bias is not None:
            _tensor(d.bias, m.bias.detach().numpy())

    def pool(self, name, m, avg, prev_binary):
        (kh, kw), (sh, sw), (ph, pw) = _pair(m.kernel_size), _pair(m.stride), _pair(m.padding)
        C, H, W = self.shape
        out = [C, window_output_size(H, kh, sh, ph, ph), window_output_size(W, kw, sw, pw, pw)]
        L = self.pb.Layer
        p = self.add(name, L.AVG_POOL2D if avg else L.MAX_POOL2D, out,
                     (not avg) and prev_binary).pool
        p.kernel.extend([kh, kw])
        p.strides.extend([sh, sw])
        p.pads.extend([ph, pw, ph, pw])
        if avg:
            p.count_include_pad = bool(m.count_include_pad)

    def affine(self, name, scale, shift):
        a = self.add(name, self.pb.Layer.CHANNEL_AFFINE, self.shape).affine
        _tensor(a.scale, scale)
        _tensor(a.shift, shift)

    def batch_norm(self, name, m, bntt):
        import torch
        a = (m.weight / torch.sqrt(m.running_var + m.eps)).detach().numpy()
        mean = m.running_mean.detach().numpy()
        beta = np.zeros_like(a) if bntt else m.bias.detach().numpy()[None]
        if not bntt:
            a, mean = a[None], mean[None]
        self.affine(name + ".center", np.ones((a.shape[0], self.shape[0]), np.float32), -mean)
        self.affine(name, a, beta)

    def lif(self, name, m):
        full = lambda v: np.full((self.T, self.shape[0]), v, np.float32)
        f = self.add(name, self.pb.Layer.LIF, self.shape, True).lif
        f.reset = self.pb.LIF.SOFT if m.reset == "soft" else self.pb.LIF.HARD
        for table, value in ((f.threshold, m.threshold), (f.leak, m.leak), (f.bias, 0.0),
                             (f.gain, 1.0)):
            _tensor(table, full(value))


def convert(model, source_name="", early_exit_step=None, producer="snncref.modelbin"):
    """The framed model.bin bytes of a snncref model (snncref.export.load_onnx)."""
    import torch.nn as nn
    from snncref.layers import BNTT, LIF as RefLIF, Readout, StaticBN

    b = _Builder(_generated(), model, source_name, early_exit_step, producer)
    b.encoder(model.encoder_cfg)
    for name, m in model.layers.items():
        prev_binary = b.m.layers[-1].binary
        if isinstance(m, nn.Conv2d):
            b.conv(name, m)
        elif isinstance(m, nn.Linear):
            b.dense(name, m)
        elif isinstance(m, (nn.AvgPool2d, nn.MaxPool2d)):
            b.pool(name, m, isinstance(m, nn.AvgPool2d), prev_binary)
        elif isinstance(m, nn.Flatten):
            b.add(name, b.pb.Layer.FLATTEN, [int(np.prod(b.shape))], prev_binary)
        elif isinstance(m, (BNTT, StaticBN)):
            b.batch_norm(name, m, isinstance(m, BNTT))
        elif isinstance(m, (RefLIF, Readout)) and not m.is_v1():
            raise ValueError(f"snncref.modelbin: layer {name} uses the general neuron of profile v2, "
                             "which this writer does not know; compile the ONNX file with snnc")
        elif isinstance(m, RefLIF):
            b.lif(name, m)
        elif isinstance(m, Readout):
            b.add(name, b.pb.Layer.READOUT, b.shape)
        else:
            raise ValueError(f"snncref.modelbin: layer {name} ({type(m).__name__}) not supported")
    b.m.output_layer = len(b.m.layers) - 1
    return frame(b.m.SerializeToString())


def write(model, path, **kw):
    """convert() to `path` through a temporary file and a rename."""
    data = convert(model, **kw)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def exit_step_from_info(path):
    """The `early_exit_step` of a model directory's info.json, or None (run all T steps)."""
    import json
    with open(path) as f:
        step = json.load(f).get("early_exit_step")
    return int(step) if step else None


def main(argv):
    from snncref.export import load_onnx
    if len(argv) < 2:
        print(__doc__)
        return 2
    src, dst = argv[0], argv[1]
    exit_step = int(argv[argv.index("--early-exit-step") + 1]) if "--early-exit-step" in argv else None
    if "--info" in argv:
        exit_step = exit_step_from_info(argv[argv.index("--info") + 1])
    write(load_onnx(src), dst, source_name=os.path.basename(src), early_exit_step=exit_step)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
