//===- IntRules.h - the integer (Loihi) neuron and synapse rules ----------===//
//
// The one C++ copy of the per-element formulas of docs/fixed-point.md
// section 2: 24-bit wrap and saturation, the 12-bit decay rounded toward
// zero, the exponent shift, a synaptic layer's output from its exact sum, one
// LIF neuron's step and the readout's float value. The CPU integer kernels
// (IntKernels.cpp) and the CUDA backend's integer operations (runtime/cuda/
// IntStepOps.h, run on the device and in the host emulation) both call these,
// so the backends share the rules rather than copies of them. Includes only
// <cstdint>: nvcc compiles it as host and device code.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INTRULES_H
#define SNNC_RUNTIME_INTRULES_H

#include <cstdint>

#ifdef __CUDACC__
#define SNNC_INT_HD __host__ __device__ inline
#else
#define SNNC_INT_HD inline
#endif

namespace snnc {
namespace rt {
namespace fixed {

constexpr int64_t kHalf24 = int64_t(1) << 23;

/// Two's complement wrap into [-2^23, 2^23 - 1].
SNNC_INT_HD int64_t wrap24(int64_t x) {
  return ((x + kHalf24) & ((int64_t(1) << 24) - 1)) - kHalf24;
}
/// Saturation into [-(2^23 - 1), 2^23 - 1].
SNNC_INT_HD int64_t sat24(int64_t x) {
  return x > kHalf24 - 1 ? kHalf24 - 1 : x < 1 - kHalf24 ? 1 - kHalf24 : x;
}
/// x * (4096 - d) >> 12, rounded toward zero.
SNNC_INT_HD int64_t decay(int64_t x, int64_t d) {
  int64_t p = x * (4096 - d);
  return p >= 0 ? p >> 12 : -((-p) >> 12);
}
/// a << e (e >= 0) or the arithmetic (floor) right shift by -e.
SNNC_INT_HD int64_t shiftExp(int64_t a, int e) {
  return e >= 0 ? a * (int64_t(1) << e) : a >> (-e);
}

/// CONV2D/DENSE output from the exact weight sum: shift(sum, e) + bias.
SNNC_INT_HD int32_t synapticOutput(int64_t sum, int weightExp, int32_t bias) {
  return static_cast<int32_t>(shiftExp(sum, weightExp) + bias);
}

/// LIF resets, numbered as rt::Reset (IntKernels.cpp asserts it).
enum IntReset : int32_t { kIntSoft = 0, kIntHard = 1, kIntNone = 3 };

/// One LIF neuron's step with input x and the (step, channel) table entries:
/// updates the current *u and voltage *v, returns 1 when it spikes.
SNNC_INT_HD int32_t lifNeuron(int32_t *u, int32_t *v, int64_t x, int64_t du,
                              int64_t dv, int64_t vth64, int64_t bias,
                              int64_t sign, int inShift, int32_t reset) {
  int64_t nu = wrap24(decay(*u, du) + shiftExp(sign * x, inShift));
  int64_t nv = sat24(decay(*v, dv) + nu + bias);
  int32_t spike = nv > vth64;
  if (spike && reset == kIntSoft)
    nv -= vth64;
  else if (spike && reset == kIntHard)
    nv = 0;
  *u = static_cast<int32_t>(nu);
  *v = static_cast<int32_t>(nv);
  return spike;
}

/// The reported readout value: float(double(acc) * output_scale / steps).
SNNC_INT_HD float readoutValue(int64_t acc, float outputScale, int steps) {
  return static_cast<float>(double(acc) * double(outputScale) / double(steps));
}

} // namespace fixed
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INTRULES_H
