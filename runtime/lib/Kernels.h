//===- Kernels.h - per-layer step kernels of the CPU executor -------------===//
//
// Internal to the runtime. Each kernel runs one layer for one step of one
// sample (convolution and dense: for the steps of one block, and one part of
// the work when a team of threads shares the sample). Every layer leaves its
// full output in `out` (channels-last physical order), except a LIF whose
// consumers all read lists (out empty) and a LIF run with its average pool
// (lifPoolStep: neither out nor a list); layers whose consumers run
// event-driven also leave the list of non-zero outputs (ascending index,
// value) in idx/val. Synaptic kernels (conv, dense, average pool) take
// either that event list or the dense input; both visit inputs in ascending
// index order and add the same products, so the two paths give bit-identical
// sums (adding the zero products of the dense path changes no sum).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_KERNELS_H
#define SNNC_RUNTIME_KERNELS_H

#include "snnc/runtime/Network.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace snnc {
namespace rt {
namespace detail {

/// An allocator whose resize() leaves new elements uninitialised: an event
/// list holds room for every neuron but is written only up to its count, so
/// its untouched pages are never faulted in (at 10 % firing most of them).
template <class T> struct NoInit : std::allocator<T> {
  template <class U> struct rebind {
    using other = NoInit<U>;
  };
  NoInit() = default;
  template <class U> NoInit(const NoInit<U> &) {}
  template <class U> void construct(U *p) { ::new (static_cast<void *>(p)) U; }
  template <class U, class... A> void construct(U *p, A &&...a) {
    ::new (static_cast<void *>(p)) U(std::forward<A>(a)...);
  }
};

/// A layer output's floats: a view, not an owner. The executor's are in its
/// PageArena, where layers with disjoint lifetimes share bytes
/// (planOutputs); assigning one view to another aliases, it does not copy.
struct FloatSpan {
  float *ptr = nullptr;
  int64_t n = 0;
  float *data() const { return ptr; }
  int64_t size() const { return n; }
  bool empty() const { return n == 0; }
  float *begin() const { return ptr; }
  float *end() const { return ptr + n; }
  float &operator[](int64_t i) const { return ptr[i]; }
};

struct Buf {
  FloatSpan out;
  // The event list: idx/val[0 .. nev), room for every output (NoInit: use
  // resize, not assign, to keep the pages untouched).
  std::vector<int32_t, NoInit<int32_t>> idx;
  std::vector<float, NoInit<float>> val;
  int64_t nev = 0;
  std::vector<float>
      state; // LIF membrane, READOUT accumulator, encoder |x| cache
  std::vector<float> aux; // encoder: input in physical order
  // Event list by position (for gather convolutions): the events of position
  // s are idx/val[pos[s] .. pos[s+1]); empty when no consumer needs it.
  std::vector<int32_t> pos;
  std::vector<float> syn; // CUBA synaptic current (KernelsCuba.h)
};

/// Input of a synaptic kernel: an event list (events = true) or the dense
/// vector.
struct Source {
  const float *dense;
  const int32_t *idx;
  const float *val;
  const int32_t *pos; // Buf::pos, or null
  int64_t nev;
  int64_t numel;
  bool events;
  bool binary;
  bool positive = false; // binary with every value +1 (LIF spikes)
};

/// The most (sample, step) pairs the executor passes to one synaptic kernel
/// call, and the most the convolution reads by input at once
/// (KernelsPairs.inc: its accumulators are a local [kMaxPairs][64] array).
constexpr int kMaxPairs = 64;

/// The step kernels. Kernels.cpp is compiled once for the baseline ISA and, on
/// x86-64, again with AVX2 (KernelsAvx2.cpp) and AVX-512 (KernelsAvx512.cpp);
/// kernels() picks one at run time. None contracts multiply-adds or
/// reassociates, so all give the same bits.
struct KernelTable {
  /// Per-sample encoder setup: stores the sample (logical order) in physical
  /// order in b.aux.
  void (*encodeSetup)(const Layer &L, const float *x, Buf &b);
  /// One encoder step from the sample `aux` (encodeSetup's b.aux) into b;
  /// returns the number of non-zero outputs.
  int64_t (*encodeStep)(const Layer &L, uint64_t seed, uint64_t sample, int t,
                        int T, const float *aux, Buf &b);
  /// Synaptic layers over `nsteps` consecutive steps (src[k] -> out[k]; the
  /// executor runs a block of steps layer by layer, so that a layer's weights
  /// are loaded once for all of them), part `part` of `parts` (threads of one
  /// sample): every output value is computed whole by one part, so results do
  /// not depend on `parts`. Part 0 returns the synaptic events (weight
  /// additions), the others 0.
  int64_t (*convStep)(const Layer &L, const Source *src, float *const *out,
                      int nsteps, int part, int parts);
  int64_t (*denseStep)(const Layer &L, const Source *src, float *const *out,
                       int nsteps, int part, int parts);
  int64_t (*avgPoolStep)(const Layer &L, const Source &src, float *out);
  void (*maxPoolStep)(const Layer &L, const float *in, float *out);
  /// LIF update of one step at positions [s0, s1) of the membranes u (all
  /// positions; x likewise): writes their spikes to b.out (unless b.out is
  /// empty: no consumer reads them densely), lists them in b.idx/val from
  /// index s0 * channels on and returns their number.
  int64_t (*lifStep)(const Layer &L, int t, const float *x, float *u, Buf &b,
                     int64_t s0, int64_t s1);
  /// LIF layer L's step fused with the average pool P that alone reads its
  /// spikes (poolsWithLif, OutputPlan.h): updates the positions of P's
  /// output positions [q0, q1), sums each window's spikes while they are in
  /// L1, writes the pooled values to pool.out and lists the non-zero ones in
  /// pool.idx/val (unless empty) from index q0 * channels on; returns their
  /// number and sets *spikes to the LIF's spikes. The same bits as lifStep
  /// then avgPoolStep (a window sums a few ones, exact in any order).
  int64_t (*lifPoolStep)(const Layer &L, const Layer &P, int t, const float *x,
                         float *u, Buf &pool, int64_t q0, int64_t q1,
                         int64_t *spikes);
  /// Builds b's event list from b.out.
  void (*scanEvents)(Buf &b, int64_t n);
  const char *isa;
};

namespace baseline {
const KernelTable &table();
}
namespace avx2 {
const KernelTable &table();
}
namespace avx512 {
const KernelTable &table();
}
/// The best table for this CPU: AVX-512 (F/BW/VL), AVX2 or baseline.
/// SNNC_KERNELS=avx512|avx2|baseline caps the choice (never above what the
/// CPU has).
const KernelTable &kernels();

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_KERNELS_H
