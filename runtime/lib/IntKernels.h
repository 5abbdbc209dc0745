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

#include "IntRules.h"

#include "snnc/runtime/Network.h"

#include <cstdint>
#include <vector>

namespace snnc {
namespace rt {
namespace fixed {

/// One layer's output and, for consumers that scatter, its non-zero entries.
struct IntBuf {
  std::vector<int32_t> out;
  std::vector<int32_t> idx, val; // events (ascending index)
  int64_t nev = 0;
  std::vector<int32_t> u, v; // LIF state
  std::vector<int64_t> acc;  // READOUT
  std::vector<int32_t> sum;  // synaptic accumulator before the shift
};

/// The step kernels. IntKernels.cpp is compiled once for the baseline ISA
/// and, on x86-64, again with AVX2 (IntKernelsAvx2.cpp) and AVX-512
/// (IntKernelsAvx512.cpp), so that the compiler vectorises the int8 x int32
/// scatter loops; integer arithmetic gives the same bits in every copy.
struct IntKernelTable {
  /// Lists the non-zero entries of b.out.
  void (*scan)(IntBuf &b);
  /// Synaptic layers, the output channels [j0, j1) of every group (DENSE:
  /// the outputs [j0, j1)); return the part's synaptic events (weight
  /// additions). Parts over disjoint channel ranges write disjoint outputs,
  /// so a team can run them at once; the sums are exact, so the split never
  /// changes a bit.
  int64_t (*convStep)(const Layer &L, const IntBuf &in, IntBuf &b, int64_t j0,
                      int64_t j1);
  int64_t (*denseStep)(const Layer &L, const IntBuf &in, IntBuf &b, int64_t j0,
                       int64_t j1);
  void (*avgPoolSumStep)(const Layer &L, const IntBuf &in, IntBuf &b);
  void (*maxPoolStep)(const Layer &L, const IntBuf &in, IntBuf &b);
  /// LIF of step t at the positions [s0, s1): updates their state and lists
  /// their spikes from b.idx[s0 * channels] on; returns the part's spikes
  /// (the caller joins the parts' lists and sets b.nev).
  int64_t (*lifStep)(const Layer &L, int t, const IntBuf &in, IntBuf &b,
                     int64_t s0, int64_t s1);
  const char *isa;
};

namespace baseline {
const IntKernelTable &table();
}
namespace avx2 {
const IntKernelTable &table();
}
namespace avx512 {
const IntKernelTable &table();
}
/// The table of the ISA the float kernels run (detail::kernels(): the best
/// the CPU has, capped by SNNC_KERNELS), so both paths share one dispatch.
const IntKernelTable &intKernels();

inline void scan(IntBuf &b) { intKernels().scan(b); }
inline int64_t convStep(const Layer &L, const IntBuf &in, IntBuf &b, int64_t j0,
                        int64_t j1) {
  return intKernels().convStep(L, in, b, j0, j1);
}
inline int64_t denseStep(const Layer &L, const IntBuf &in, IntBuf &b,
                         int64_t j0, int64_t j1) {
  return intKernels().denseStep(L, in, b, j0, j1);
}
inline void avgPoolSumStep(const Layer &L, const IntBuf &in, IntBuf &b) {
  intKernels().avgPoolSumStep(L, in, b);
}
inline void maxPoolStep(const Layer &L, const IntBuf &in, IntBuf &b) {
  intKernels().maxPoolStep(L, in, b);
}
inline int64_t lifStep(const Layer &L, int t, const IntBuf &in, IntBuf &b,
                       int64_t s0, int64_t s1) {
  return intKernels().lifStep(L, t, in, b, s0, s1);
}
/// The whole layer in one part (b.nev set for the LIF).
inline int64_t convStep(const Layer &L, const IntBuf &in, IntBuf &b) {
  return convStep(L, in, b, 0, L.outC / L.groups);
}
inline int64_t denseStep(const Layer &L, const IntBuf &in, IntBuf &b) {
  return denseStep(L, in, b, 0, L.numel);
}
inline int64_t lifStep(const Layer &L, int t, const IntBuf &in, IntBuf &b) {
  return b.nev = lifStep(L, t, in, b, 0, L.spatial);
}

} // namespace fixed
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INTKERNELS_H
