"""snncref.modelbin: the Python model.bin writer, on the classes protoc generates from the schema.

Frames as docs/model-bin.md says (magic, version, sizes, CRC-32), names kinds by the schema's enum
(no literal field numbers or kind values), and computes shapes with the Shapes.h rule. The runtime's
validator then accepts its files: runtime-fidelity-ref-* run snnc-run on them.
"""
import os
import struct
import zlib

from snncref import modelbin
from snncref.export import load_onnx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _parse(data):
    magic, (version, header, size, crc, reserved) = data[:8], struct.unpack("<IIQII", data[8:32])
    assert magic == b"SNNCMBIN" and version == 1 and header == 32 and reserved == 0
    payload = data[32:]
    assert size == len(payload) and crc == zlib.crc32(payload) & 0xFFFFFFFF
    m = modelbin._generated().Model()
    m.ParseFromString(payload)
    return m


def test_window_rule_matches_shapes_h():
    # The static_asserts of runtime/include/snnc/modelbin/Shapes.h.
    assert modelbin.window_output_size(28, 3, 1, 1, 1) == 28
    assert modelbin.window_output_size(28, 2, 2) == 14
    assert modelbin.window_output_size(7, 3, 2, 0, 0, 2) == 2


def test_conv_model_round_trips_through_the_schema():
    pb = modelbin._generated()
    model = load_onnx(os.path.join(ROOT, "models", "fmnist-bntt-conv", "model.onnx"))
    m = _parse(modelbin.convert(model, source_name="m.onnx", early_exit_step=5))
    assert (m.source_name, m.num_steps, m.early_exit_step, m.fold_mode) == ("m.onnx", 20, 5, "none")
    kinds = [layer.kind for layer in m.layers]
    assert kinds[0] == pb.Layer.ENCODE and kinds[-1] == pb.Layer.READOUT
    assert m.output_layer == len(m.layers) - 1
    assert pb.Layer.CHANNEL_AFFINE in kinds and pb.Layer.CONV2D in kinds
    for i, layer in enumerate(m.layers):
        assert list(layer.inputs) == ([] if i == 0 else [i - 1])
        if layer.kind == pb.Layer.CONV2D:
            c, prev = layer.conv2d, m.layers[i - 1].shape
            kh = c.weight.shape[2]
            assert layer.shape[1] == modelbin.window_output_size(prev[1], kh, c.strides[0],
                                                                c.pads[0], c.pads[2])
            assert len(c.weight.data) == 4 * c.weight.shape[0] * c.weight.shape[1] * kh * kh
        if layer.kind == pb.Layer.LIF:
            assert layer.binary and list(layer.lif.threshold.shape) == [20, layer.shape[0]]
