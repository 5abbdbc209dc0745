//===- Shapes.h - the output-size rule of sliding windows (no dependencies)
//===//
//
// The one copy of the ONNX floor-mode output-size rule of convolutions and
// pools, used by model.bin's validator, the snn dialect's verifiers, the ONNX
// importer and the tests' model builders. It depends on nothing but <cstdint>
// so that every target, with or without MLIR or protobuf, can include it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODELBIN_SHAPES_H
#define SNNC_MODELBIN_SHAPES_H

#include <cstdint>

namespace snnc {
namespace modelbin {

/// The extent of a kernel of `kernel` taps spread `dilation` apart.
constexpr int64_t dilatedExtent(int64_t kernel, int64_t dilation) {
  return dilation * (kernel - 1) + 1;
}

/// Output extent of a sliding window (ONNX Conv, AveragePool, MaxPool, floor
/// mode) over one spatial dimension of `input` elements padded by `padBegin`
/// and `padEnd`: (input + padBegin + padEnd - dilation*(kernel-1) - 1) /
/// stride + 1. Returns -1 when an argument is out of its domain (input,
/// kernel, stride, dilation < 1; pads < 0) or the dilated kernel does not fit
/// the padded input.
constexpr int64_t windowOutputSize(int64_t input, int64_t kernel,
                                   int64_t stride, int64_t padBegin,
                                   int64_t padEnd, int64_t dilation = 1) {
  if (input < 1 || kernel < 1 || stride < 1 || dilation < 1 || padBegin < 0 ||
      padEnd < 0)
    return -1;
  int64_t room = input + padBegin + padEnd - dilatedExtent(kernel, dilation);
  return room < 0 ? -1 : room / stride + 1;
}

static_assert(windowOutputSize(28, 3, 1, 1, 1) == 28, "same padding");
static_assert(windowOutputSize(28, 2, 2, 0, 0) == 14, "2x2 pool");
static_assert(windowOutputSize(7, 3, 2, 0, 0, 2) == 2, "dilated");
static_assert(windowOutputSize(2, 3, 1, 0, 0) == -1, "kernel too large");

} // namespace modelbin
} // namespace snnc

#endif // SNNC_MODELBIN_SHAPES_H
