//===- IntKernels.cpp - step kernels of integer (Loihi) models ------------===//
//
// The kernels declared in IntKernels.h. Synaptic layers accumulate the
// weights of the input events into an int32 sum (exact: the validator's
// accumulator bound), then apply the layer's weight_exp shift and integer
// bias; the LIF applies Loihi's 24-bit current/voltage update with the
// per-step tables. Everything is integer arithmetic, so any evaluation order
// or vectorisation gives the same bits. IntKernelsAvx2.cpp and
// IntKernelsAvx512.cpp compile this file again in namespaces fixed::avx2 and
// fixed::avx512 (SNNC_INT_NS) with those ISAs enabled; intKernels() is in
// the baseline copy only.
//
//===----------------------------------------------------------------------===//
#include "IntKernels.h"

#include <algorithm>

#ifndef SNNC_INT_SECOND_COPY
#include "Kernels.h"

#include <cstring>
#endif

#ifndef SNNC_INT_NS
#define SNNC_INT_NS baseline
#define SNNC_INT_ISA "baseline"
#endif

namespace snnc {
namespace rt {
namespace fixed {
namespace SNNC_INT_NS {

static_assert(kIntSoft == int32_t(Reset::Soft) &&
                  kIntHard == int32_t(Reset::Hard) &&
                  kIntNone == int32_t(Reset::None),
              "IntReset mirrors rt::Reset");

void scan(IntBuf &b) {
  int64_t n = 0;
  for (size_t p = 0; p < b.out.size(); ++p)
    if (b.out[p] != 0) {
      b.idx[n] = static_cast<int32_t>(p);
      b.val[n++] = b.out[p];
    }
  b.nev = n;
}

namespace {

/// out = shift(sum, e) + bias for the channels [j0, j1) of every group of
/// Og channels (channels-last, C = groups * Og channels), with the sums of
/// those channels zeroed first by the caller.
void finish(const Layer &L, IntBuf &b, int64_t C, int64_t Og, int64_t j0,
            int64_t j1) {
  const int e = L.fx.weightExp;
  const int32_t *bias = L.fx.bias.data();
  for (size_t base = 0; base < b.out.size(); base += Og)
    for (int64_t j = j0; j < j1; ++j) {
      size_t p = base + j;
      b.out[p] = synapticOutput(b.sum[p], e, bias[p % C]);
    }
}

/// Zeroes the sums of channels [j0, j1) of every group of Og.
void clearSums(IntBuf &b, int64_t Og, int64_t j0, int64_t j1) {
  for (size_t base = 0; base < b.sum.size(); base += Og)
    std::fill(b.sum.begin() + base + j0, b.sum.begin() + base + j1, 0);
}

} // namespace

int64_t convStep(const Layer &L, const IntBuf &in, IntBuf &b, int64_t j0,
                 int64_t j1) {
  const int64_t Og = L.outC / L.groups, I = L.inC, Ig = I / L.groups;
  const int64_t wStride = L.kh * L.kw * Og;
  const int8_t *wt = L.fx.weight.data();
  clearSums(b, Og, j0, j1);
  int64_t syn = 0;
  for (int64_t e = 0; e < in.nev; ++e) {
    int64_t p = in.idx[e], s = p / I, ci = p - s * I;
    const int32_t v = in.val[e];
    const int8_t *wb = wt + ci * wStride;
    int32_t *ob = b.sum.data() + (ci / Ig) * Og;
    int32_t k0 = L.tapStart[s], k1 = L.tapStart[s + 1];
    syn += k1 - k0;
    for (int32_t k = k0; k < k1; ++k) {
      int32_t *o = ob + L.tapOut[k];
      const int8_t *w = wb + L.tapW[k];
      for (int64_t j = j0; j < j1; ++j)
        o[j] += v * w[j];
    }
  }
  finish(L, b, L.outC, Og, j0, j1);
  return syn * (j1 - j0);
}

int64_t denseStep(const Layer &L, const IntBuf &in, IntBuf &b, int64_t j0,
                  int64_t j1) {
  const int64_t O = L.numel;
  clearSums(b, O, j0, j1);
  int32_t *o = b.sum.data();
  for (int64_t e = 0; e < in.nev; ++e) {
    const int8_t *w = L.fx.weight.data() + int64_t(in.idx[e]) * O;
    const int32_t v = in.val[e];
    for (int64_t j = j0; j < j1; ++j)
      o[j] += v * w[j];
  }
  finish(L, b, O, O, j0, j1);
  return in.nev * (j1 - j0);
}

void avgPoolSumStep(const Layer &L, const IntBuf &in, IntBuf &b) {
  const int64_t C = L.inC;
  std::fill(b.out.begin(), b.out.end(), 0);
  for (int64_t e = 0; e < in.nev; ++e) {
    int64_t p = in.idx[e], s = p / C, c = p - s * C;
    for (int32_t k = L.tapStart[s]; k < L.tapStart[s + 1]; ++k)
      b.out[L.tapOut[k] + c] += in.val[e];
  }
}

void maxPoolStep(const Layer &L, const IntBuf &in, IntBuf &b) {
  const int64_t C = L.inC, H = L.inH, W = L.inW;
  for (int64_t oh = 0; oh < L.outH; ++oh)
    for (int64_t ow = 0; ow < L.outW; ++ow) {
      int32_t *o = b.out.data() + (oh * L.outW + ow) * C;
      bool first = true;
      for (int64_t a = 0; a < L.kh; ++a) {
        int64_t h = oh * L.sh - L.padT + a;
        for (int64_t c = 0; h >= 0 && h < H && c < L.kw; ++c) {
          int64_t w = ow * L.sw - L.padL + c;
          if (w < 0 || w >= W)
            continue;
          const int32_t *x = in.out.data() + (h * W + w) * C;
          for (int64_t ch = 0; ch < C; ++ch)
            o[ch] = first ? x[ch] : std::max(o[ch], x[ch]);
          first = false;
        }
      }
    }
}

int64_t lifStep(const Layer &L, int t, const IntBuf &in, IntBuf &b, int64_t s0,
                int64_t s1) {
  const int64_t C = L.channels, S = L.spatial, row = int64_t(t) * C;
  const int32_t *dv = L.fx.dv.data() + row, *th = L.fx.vth64.data() + row,
                *bias = L.fx.lifBias.data() + row, *sg = L.fx.sign.data() + row,
                *sh = L.fx.inShift.data() + row;
  const int64_t du = L.fx.du;
  const int32_t reset = static_cast<int32_t>(L.reset);
  int64_t n = s0 * C;
  for (int64_t s = s0; s < s1; ++s)
    for (int64_t c = 0; c < C; ++c) {
      int64_t p = s * C + c;
      int32_t spike = lifNeuron(&b.u[p], &b.v[p], in.out[p], du, dv[c], th[c],
                                bias[c], sg[c], sh[c], reset);
      b.out[p] = spike;
      if (spike) {
        b.idx[n] = static_cast<int32_t>(p);
        b.val[n++] = 1;
      }
    }
  return n - s0 * C;
}

const IntKernelTable &table() {
  static const IntKernelTable t = {scan,           convStep,    denseStep,
                                   avgPoolSumStep, maxPoolStep, lifStep,
                                   SNNC_INT_ISA};
  return t;
}

} // namespace SNNC_INT_NS

#ifndef SNNC_INT_SECOND_COPY // once, in the baseline build
const IntKernelTable &intKernels() {
  static const IntKernelTable *table = [] {
    const char *isa = detail::kernels().isa;
    if (std::strcmp(isa, avx512::table().isa) == 0)
      return &avx512::table();
    if (std::strcmp(isa, avx2::table().isa) == 0)
      return &avx2::table();
    return &baseline::table();
  }();
  return *table;
}
#endif

} // namespace fixed
} // namespace rt
} // namespace snnc
