//===- IntKernels.h - step kernels of integer (Loihi) models --------------===//
//
// Internal to the runtime. The per-layer, per-step kernels of the integer
// executor (IntExecutor.cpp), implementing docs/fixed-point.md section 2 with
// integer arithmetic only: activations are int32 in the channels-last layout
// of Network.h, synaptic layers scatter the weights of the non-zero inputs
// (event-driven), LIF state is 24-bit in int32. Integer sums are exact (the
// validator bounds every accumulator below 2^31), so no result depends on the
// order of events, the thread count or the compiler's vectorisation.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INTKERNELS_H
#define SNNC_RUNTIME_INTKERNELS_H

#include "snnc/runtime/Network.h"

#include <cstdint>
#include <vector>

namespace snnc {
namespace rt {
namespace fixed {

/// The 24-bit rules (docs/fixed-point.md section 2), one copy in C++.
constexpr int64_t kHalf24 = int64_t(1) << 23;
inline int64_t wrap24(int64_t x) {
  return ((x + kHalf24) & ((int64_t(1) << 24) - 1)) - kHalf24;
}
inline int64_t sat24(int64_t x) {
  return x > kHalf24 - 1 ? kHalf24 - 1 : x < 1 - kHalf24 ? 1 - kHalf24 : x;
}
/// x * (4096 - d) >> 12, rounded toward zero.
inline int64_t decay(int64_t x, int64_t d) {
  int64_t p = x * (4096 - d);
  return p >= 0 ? p >> 12 : -((-p) >> 12);
}
/// a << e (e >= 0) or the arithmetic (floor) right shift by -e.
inline int64_t shiftExp(int64_t a, int e) {
  return e >= 0 ? a * (int64_t(1) << e) : a >> (-e);
}

/// One layer's output and, for consumers that scatter, its non-zero entries.
struct IntBuf {
  std::vector<int32_t> out;
  std::vector<int32_t> idx, val; // events (ascending index)
  int64_t nev = 0;
  std::vector<int32_t> u, v; // LIF state
  std::vector<int64_t> acc;  // READOUT
  std::vector<int32_t> sum;  // synaptic accumulator before the shift
};

/// Lists the non-zero entries of b.out.
void scan(IntBuf &b);
/// Synaptic layers; return synaptic events (weight additions).
int64_t convStep(const Layer &L, const IntBuf &in, IntBuf &b);
int64_t denseStep(const Layer &L, const IntBuf &in, IntBuf &b);
void avgPoolSumStep(const Layer &L, const IntBuf &in, IntBuf &b);
void maxPoolStep(const Layer &L, const IntBuf &in, IntBuf &b);
/// LIF of step t; returns spikes.
int64_t lifStep(const Layer &L, int t, const IntBuf &in, IntBuf &b);

} // namespace fixed
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INTKERNELS_H
