//===- Kernels.cpp - per-layer step kernels of the CPU executor -----------===//
//
// The hot loops. A convolution (groups = 1) is computed output-stationary: for
// each output position and block of up to 64 output channels, an accumulator
// held in vector registers starts from the bias and adds, for each input event
// in the window (ascending input index), the weight vector [ci][kh][kw][block],
// then is stored once: no read-modify-write of the output per event (with two
// or more (sample, step) pairs of events in a call, KernelsPairs.inc walks
// each window once for all pairs, a row in registers and the pairs'
// accumulators in L1, in the same order per pair; with 32 or more inputs,
// KernelsTaps.inc walks a group of taps at a time for all positions and pairs,
// the output vector in registers over all events of the group). Grouped
// convolutions scatter instead: an event at (h, w, ci) adds its weight vector
// to every output position its footprint reaches. A dense layer is gathered
// the same way, per block of outputs, from rows [in][block] of the
// transposed weight. Binary events (+1/-1) add or subtract
// without a multiply. Both convolution forms add the same products in the same
// order per output, so they give the same bits. On x86-64 the kernels are
// compiled three times (AVX-512, AVX2, baseline) and picked at load time; none
// contracts multiply-adds, so the results do not depend on the CPU.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "snnc/runtime/Encoder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#ifndef SNNC_KERNEL_NS
#define SNNC_KERNEL_NS baseline
#define SNNC_KERNEL_ISA "baseline"
#endif

namespace snnc {
namespace rt {
namespace detail {
namespace SNNC_KERNEL_NS {
namespace {

// The vector helpers run 8 lanes at a time (16 where AVX-512 is compiled
// in) in a fixed-width inner loop that the compiler turns into one vector
// operation: a runtime trip count alone vectorises only from 32 lanes up, and
// output vectors of 16 channels are common. Each lane is independent, so the
// width changes no bit.
#if defined(__AVX512F__)
constexpr int kWideLanes = 16;
#else
constexpr int kWideLanes = 8;
#endif

/// Calls one(k) for k in [0, n): blocks of kWideLanes, then of 8, then the
/// rest, each block a fixed-count loop the compiler vectorises.
template <typename One> inline void forLanes(int64_t n, One one) {
  int64_t k = 0;
  for (; k + kWideLanes <= n; k += kWideLanes)
    for (int j = 0; j < kWideLanes; ++j)
      one(k + j);
  if (kWideLanes > 8)
    for (; k + 8 <= n; k += 8)
      for (int j = 0; j < 8; ++j)
        one(k + j);
  for (; k < n; ++k)
    one(k);
}

template <typename Op>
inline void vmap(float *__restrict d, const float *__restrict s, int64_t n,
                 Op op) {
  forLanes(n, [&](int64_t k) { d[k] = op(d[k], s[k]); });
}
inline void vadd(float *__restrict d, const float *__restrict s, int64_t n) {
  vmap(d, s, n, [](float a, float b) { return a + b; });
}
inline void vsub(float *__restrict d, const float *__restrict s, int64_t n) {
  vmap(d, s, n, [](float a, float b) { return a - b; });
}
inline void vaxpy(float *__restrict d, const float *__restrict s, float v,
                  int64_t n) {
  vmap(d, s, n, [v](float a, float b) { return a + v * b; });
}
inline void vscaled(float *__restrict d, const float *__restrict s, float v,
                    bool binary, int64_t n) {
  if (binary) {
    if (v > 0)
      vadd(d, s, n);
    else
      vsub(d, s, n);
  } else {
    vaxpy(d, s, v, n);
  }
}

#include "KernelsCompact.inc"

/// Calls f(p, v) for every input the kernel must visit, in ascending p.
template <typename F> inline void forInputs(const Source &src, F &&f) {
  if (src.events) {
    for (int64_t e = 0; e < src.nev; ++e)
      f(static_cast<int64_t>(src.idx[e]), src.val[e], src.binary);
  } else {
    for (int64_t p = 0; p < src.numel; ++p)
      f(p, src.dense[p], false);
  }
}

/// Calls f(std::integral_constant<int64_t, N>()) with N = n for the common
/// vector widths and N = 0 for any other: kernels instantiated for a constant
/// width unroll into a few vector operations instead of a counted loop.
template <typename F> inline auto withWidth(int64_t n, F &&f) {
  switch (n) {
  case 8:
    return f(std::integral_constant<int64_t, 8>());
  case 16:
    return f(std::integral_constant<int64_t, 16>());
  case 32:
    return f(std::integral_constant<int64_t, 32>());
  case 64:
    return f(std::integral_constant<int64_t, 64>());
  default:
    return f(std::integral_constant<int64_t, 0>());
  }
}

/// Copies the bias vector of C floats to every output position (with C a
/// constant: inline vector moves rather than a memcpy call per position).
inline void fillBias(float *out, const float *bias, int64_t positions,
                     int64_t C) {
  withWidth(C, [&](auto width) {
    const int64_t n = width ? width() : C;
    for (int64_t s = 0; s < positions; ++s)
      std::memcpy(out + s * n, bias, sizeof(float) * n);
  });
}

void encodeSetup(const Layer &L, const float *x, Buf &b) {
  int64_t C = L.channels, S = L.spatial;
  // A STEPS encoder's sample is encSteps tensors, one per step.
  for (int64_t k = 0; k < L.encSteps; ++k) {
    float *aux = b.aux.data() + k * L.numel;
    const float *in = x + k * L.numel;
    for (int64_t s = 0; s < S; ++s)
      for (int64_t c = 0; c < C; ++c)
        aux[s * C + c] = normaliseInput(L, c, in[c * S + s]);
  }
}

int64_t encodeStep(const Layer &L, uint64_t seed, uint64_t sample, int t, int T,
                   const float *aux, Buf &b) {
  const int64_t C = L.channels, S = L.spatial;
  float *out = b.out.data();
  const float *x = aux + (L.perStep ? t * L.numel : 0);
  if (!L.poisson) {
    std::copy_n(x, L.numel, out);
    b.nev = appendNonZero(out, L.numel, 0, b.idx.data(), b.val.data(), 0);
    return b.nev;
  }
  uint64_t D = static_cast<uint64_t>(L.numel);
  uint64_t base = poissonCounter(sample, static_cast<uint64_t>(t), 0,
                                 static_cast<uint64_t>(T), D);
  // Every element's uniform is drawn (a pure function of its counter), so
  // the loop has no branch on the data: with the encoder image about half
  // non-zero, a branch per element mispredicted about every other one. The
  // events are then listed by the compaction the LIF layers use.
  for (int64_t s = 0; s < S; ++s)
    for (int64_t c = 0; c < C; ++c) {
      const int64_t p = s * C + c;
      const float u =
          poissonUniform(seed, base + static_cast<uint64_t>(c * S + s));
      out[p] = poissonSpike(x[p], u, L.encScale, L.encSigned);
    }
  b.nev = appendNonZero(out, L.numel, 0, b.idx.data(), b.val.data(), 0);
  return b.nev;
}

/// Input index -> position (index / channels) for the event loops: a shift
/// when the channel count is a power of two (every VGG layer), else a 32-bit
/// division (all indices are below 2^26). Against a division per event
/// (synapse counts, scatter, pool scatter): VGG11 at 10 % firing, batch 64,
/// 2 threads, AMD EPYC avx512f/bw/vl: -3 to -8 % CPU; VGG9 0 to -2 %.
struct PositionOf {
  uint32_t channels;
  int shift; // log2(channels), or -1
  explicit PositionOf(int64_t c)
      : channels(static_cast<uint32_t>(c)),
        shift((c & (c - 1)) == 0 ? __builtin_ctzll(static_cast<uint64_t>(c))
                                 : -1) {}
  uint32_t operator()(uint32_t p) const {
    return shift >= 0 ? p >> shift : p / channels;
  }
};

/// The event loop of convStep for output vectors of Og floats; OgN is Og as a
/// constant (withWidth), or 0 to take it at run time.
template <int64_t OgN>
int64_t convEvents(const Layer &L, const Source &src, float *out,
                   int64_t OgRuntime) {
  const int64_t Og = OgN ? OgN : OgRuntime;
  const int64_t I = L.inC, Ig = I / L.groups, wStride = L.kh * L.kw * Og;
  const float *wt = L.weight.data();
  const int32_t *start = L.tapStart.data(), *tapOut = L.tapOut.data(),
                *tapW = L.tapW.data();
  const PositionOf positionOf(I);
  int64_t syn = 0;
  // Dense mode visits zero inputs too (adding 0 * w changes no sum); only
  // non-zero inputs count as synaptic events.
  forInputs(src, [&](int64_t p, float v, bool binary) {
    int64_t s = positionOf(static_cast<uint32_t>(p)), ci = p - s * I;
    const float *wb = wt + ci * wStride;
    float *ob = out + (ci / Ig) * Og;
    int32_t k0 = start[s], k1 = start[s + 1];
    syn += v != 0 ? k1 - k0 : 0;
    if (binary && v > 0) {
      for (int32_t k = k0; k < k1; ++k)
        vadd(ob + tapOut[k], wb + tapW[k], Og);
    } else if (binary) {
      for (int32_t k = k0; k < k1; ++k)
        vsub(ob + tapOut[k], wb + tapW[k], Og);
    } else {
      for (int32_t k = k0; k < k1; ++k)
        vaxpy(ob + tapOut[k], wb + tapW[k], v, Og);
    }
  });
  return syn * Og;
}

/// Synaptic events of a convolution step: taps of every non-zero input times
/// the output vector width (dense mode visits zeros too; they do not count).
int64_t convSynapses(const Layer &L, const Source &src) {
  const PositionOf positionOf(L.inC);
  const int32_t *start = L.tapStart.data();
  int64_t syn = 0;
  forInputs(src, [&](int64_t p, float v, bool) {
    const uint32_t s = positionOf(static_cast<uint32_t>(p));
    syn += v != 0 ? start[s + 1] - start[s] : 0;
  });
  return syn * (L.outC / L.groups);
}

#include "KernelsGather.inc"
#include "KernelsPairs.inc"
#include "KernelsTaps.inc"

/// Part `part` of `parts` of a convolution over `nsteps` steps (src[k] ->
/// out[k]). Work items are (channel block, output position) pairs,
/// block-major (a block's weights stay in cache across positions and steps),
/// split into contiguous ranges; every output value is computed whole by one
/// part, so the split changes no bit. Grouped convolutions scatter (part 0
/// does all). Part 0 returns the synaptic events.
int64_t convStep(const Layer &L, const Source *src, float *const *out,
                 int nsteps, int part, int parts) {
  const int64_t Og = L.outC / L.groups;
  int64_t syn = 0;
  if (part == 0)
    for (int k = 0; k < nsteps; ++k)
      syn += convSynapses(L, src[k]);
  bool gather = L.groups == 1;
  for (int k = 0; k < nsteps; ++k)
    gather = gather && (!src[k].events || src[k].pos);
  if (!gather) {
    if (part == 0)
      for (int k = 0; k < nsteps; ++k) {
        fillBias(out[k], L.bias.data(), L.outH * L.outW, L.outC);
        withWidth(Og, [&](auto width) {
          return convEvents<width()>(L, src[k], out[k], Og);
        });
      }
    return syn;
  }
  const int64_t Q = L.outH * L.outW;
  int64_t blocks = 0;
  for (int64_t c = 0; c < Og; c += convBlock(Og - c))
    ++blocks;
  const int64_t items = blocks * Q, i0 = items * part / parts,
                i1 = items * (part + 1) / parts;
  // Each part indexes the events itself (one pass over them, a few per cent
  // of the additions).
  const bool taps = tapsApply(L, src, nsteps);
  const bool dense = !taps && denseRowsApply(L, src, nsteps);
  const bool pairs = pairInputsApply(src, nsteps);
  thread_local PairInputs byInput;
  bool sorted = false; // byInput built (once, by the first block needing it)
  int64_t i = 0, c0 = 0;
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t nb = convBlock(Og - c0);
    const int64_t q0 = std::max(i0 - i, int64_t(0)), q1 = std::min(i1 - i, Q);
    if (q0 < q1)
      withBlock(nb, [&](auto width) {
        constexpr int64_t NB = decltype(width)::value;
        if constexpr (NB != 0) {
          if (taps)
            return convGatherTaps<NB>(L, src, out, nsteps, c0, q0, q1);
          if (dense) {
            for (int k = 0; k < nsteps; ++k)
              convDenseRows<NB>(L, src[k], out[k], c0, q0, q1);
            return;
          }
        }
        if (!pairs)
          return convGather<NB>(L, src, out, nsteps, c0, nb, q0, q1);
        if (!sorted)
          buildPairInputs(src, nsteps, byInput);
        sorted = true;
        convGatherPairs<NB>(L, byInput, src[0].binary, out, nsteps, c0, nb, q0,
                            q1);
      });
    i += Q;
    c0 += nb;
  }
  return syn;
}

/// Part `part` of `parts` of a dense layer over `nsteps` steps: a contiguous
/// range of output blocks (as convBlock), each computed whole by one part (so
/// the split changes no bit), for all steps while the block's weight columns
/// are in cache. Part 0 returns the synaptic events.
int64_t denseStep(const Layer &L, const Source *src, float *const *out,
                  int nsteps, int part, int parts) {
  const int64_t O = static_cast<int64_t>(L.bias.size());
  int64_t blocks = 0;
  for (int64_t c = 0; c < O; c += convBlock(O - c))
    ++blocks;
  const int64_t b0 = blocks * part / parts, b1 = blocks * (part + 1) / parts;
  int64_t c0 = 0;
  for (int64_t blk = 0; blk < b1; ++blk) {
    const int64_t nb = convBlock(O - c0);
    if (blk >= b0)
      withBlock(nb, [&](auto width) {
        for (int k0 = 0; k0 < nsteps; k0 += kMaxPairs)
          denseGatherTiles<decltype(width)::value>(
              L, src + k0, out + k0, std::min(kMaxPairs, nsteps - k0), c0, nb);
      });
    c0 += nb;
  }
  if (part != 0)
    return 0;
  int64_t nnz = 0;
  for (int k = 0; k < nsteps; ++k)
    forInputs(src[k], [&](int64_t, float v, bool) { nnz += v != 0; });
  return nnz * O;
}

/// Average pooling of binary events by scatter. Events are +1/-1, so every
/// window sums to a small integer, which a float holds exactly in any order:
/// the result has the bits of the gather below at a fraction of the work.
void avgPoolScatter(const Layer &L, const Source &src, float *out) {
  const uint32_t C = static_cast<uint32_t>(L.inC);
  const PositionOf positionOf(C);
  const int32_t *start = L.tapStart.data(), *tapOut = L.tapOut.data();
  std::memset(out, 0, sizeof(float) * L.outH * L.outW * C);
  for (int64_t e = 0; e < src.nev; ++e) {
    const uint32_t p = static_cast<uint32_t>(src.idx[e]), s = positionOf(p);
    float *o = out + (p - s * C);
    for (int32_t k = start[s]; k < start[s + 1]; ++k)
      o[tapOut[k]] += src.val[e];
  }
  const float *div = L.poolDiv.data();
  for (int64_t q = 0; q < L.outH * L.outW; ++q) {
    float *__restrict o = out + q * C;
    const float d = div[q];
    for (int64_t c = 0; c < C; ++c)
      o[c] = o[c] / d;
  }
}

int64_t avgPoolStep(const Layer &L, const Source &src, float *out) {
  if (src.events && src.binary) {
    avgPoolScatter(L, src, out);
    return 0;
  }
  // Gathered per output position, vectorised over channels. Each window is
  // summed from 0 in row-major tap order, which is the order in which a
  // scatter of the ascending event list would add the same values, so the
  // result does not depend on the input representation.
  const int64_t C = L.inC, H = L.inH, W = L.inW;
  const float *in = src.dense, *div = L.poolDiv.data();
  for (int64_t oh = 0; oh < L.outH; ++oh)
    for (int64_t ow = 0; ow < L.outW; ++ow) {
      float *__restrict o = out + (oh * L.outW + ow) * C;
      for (int64_t c = 0; c < C; ++c)
        o[c] = 0.0f;
      for (int64_t a = 0; a < L.kh; ++a) {
        int64_t h = oh * L.sh - L.padT + a;
        if (h < 0 || h >= H)
          continue;
        for (int64_t b = 0; b < L.kw; ++b) {
          int64_t w = ow * L.sw - L.padL + b;
          if (w >= 0 && w < W)
            vadd(o, in + (h * W + w) * C, C);
        }
      }
      const float d = div[oh * L.outW + ow];
      for (int64_t c = 0; c < C; ++c)
        o[c] = o[c] / d;
    }
  return 0;
}

void maxPoolStep(const Layer &L, const float *in, float *out) {
  const int64_t C = L.inC, H = L.inH, W = L.inW;
  for (int64_t oh = 0; oh < L.outH; ++oh)
    for (int64_t ow = 0; ow < L.outW; ++ow) {
      float *o = out + (oh * L.outW + ow) * C;
      bool first = true;
      for (int64_t a = 0; a < L.kh; ++a) {
        int64_t h = oh * L.sh - L.padT + a;
        if (h < 0 || h >= H)
          continue;
        for (int64_t b = 0; b < L.kw; ++b) {
          int64_t w = ow * L.sw - L.padL + b;
          if (w < 0 || w >= W)
            continue;
          const float *x = in + (h * W + w) * C;
          if (first)
            std::memcpy(o, x, sizeof(float) * C);
          else
            for (int64_t c = 0; c < C; ++c)
              o[c] = std::max(o[c], x[c]);
          first = false;
        }
      }
    }
}

#include "KernelsLif.inc"
#include "KernelsLifPool.inc"

void scanEvents(Buf &b, int64_t n) {
  b.nev = appendNonZero(b.out.data(), n, 0, b.idx.data(), b.val.data(), 0);
}

} // namespace

const KernelTable &table() {
  static const KernelTable t = {
      encodeSetup, encodeStep, convStep,    denseStep,  avgPoolStep,
      maxPoolStep, lifStep,    lifPoolStep, scanEvents, SNNC_KERNEL_ISA};
  return t;
}

} // namespace SNNC_KERNEL_NS
} // namespace detail
} // namespace rt
} // namespace snnc
