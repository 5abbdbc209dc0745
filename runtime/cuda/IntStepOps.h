//===- IntStepOps.h - per-thread operations of integer (Loihi) models -----===//
//
// The CUDA backend's operations for integer models (docs/fixed-point.md
// section 2), one call per (sample, thread index) like StepOps.h, on the
// buffers DeviceNet.h names `iout`, `iu`/`iv`, `isum`, `ievVal`, `lacc`. The
// formulas are IntRules.h's, the CPU integer kernels' own: this file only
// decides which thread computes what. Every sum is exact integer arithmetic
// (the validator bounds it below 2^31), so the owner-per-output split gives
// the CPU executor's bits in any order. Compiled by nvcc and the host
// compiler; the host emulation (HostEngine.cpp) calls the same functions.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CUDA_INTSTEPOPS_H
#define SNNC_RUNTIME_CUDA_INTSTEPOPS_H

#include "StepOps.h"

#include "../lib/IntRules.h"

namespace snnc {
namespace rt {
namespace gpu {

SNNC_HD int32_t *intOutOf(const Ctx &c, const DLayer &L, int n) {
  return c.ia + L.iout + static_cast<int64_t>(n) * L.numel;
}

/// ENCODE: the float encoder's element (StepOps.h), also as an integer.
SNNC_HD void intEncodeOp(const Ctx &c, const DLayer &L, int n, int64_t p,
                         int t) {
  encodeOp(c, L, n, p, t);
  intOutOf(c, L, n)[p] = static_cast<int32_t>(outOf(c, L, n)[p]);
}

/// CONV2D: thread tid owns output channel o = tid % O at the positions of
/// class r = tid / O (as convEventOp) and adds v * w of every event into
/// `isum`; intSynFinishOp then applies the shift and bias.
/// Exact integer multiply-add (the validator bounds every sum below 2^31).
struct IntMac {
  SNNC_HD void operator()(int32_t *y, int32_t v, int32_t w) const {
    *y += v * w;
  }
};

SNNC_HD void intConvSumOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                          int64_t tid) {
  const int32_t O = L.outC, r = static_cast<int32_t>(tid / O);
  int32_t *sum = c.ia + L.isum + static_cast<int64_t>(n) * L.numel;
  for (int32_t pos = r; pos < L.outH * L.outW; pos += L.rowGroups)
    sum[static_cast<int64_t>(pos) * O + tid % O] = 0;
  convScatterEvents(c, L, P, n, tid, sum, c.ia + P.ievVal,
                    c.iparams + L.iweight, IntMac());
}

/// CONV2D output element p from its sum.
SNNC_HD void intSynFinishOp(const Ctx &c, const DLayer &L, int n, int64_t p) {
  const int32_t *sum = c.ia + L.isum + static_cast<int64_t>(n) * L.numel;
  intOutOf(c, L, n)[p] = fixed::synapticOutput(sum[p], L.weightExp,
                                               c.iparams[L.ibias + p % L.outC]);
}

/// DENSE: thread o sums the weight rows of the events.
SNNC_HD void intDenseOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                        int64_t o) {
  const int64_t O = L.numel;
  const int32_t nev = c.ia[P.evCount + n];
  const int32_t *idx = c.ia + P.evIdx + static_cast<int64_t>(n) * P.numel;
  const int32_t *val = c.ia + P.ievVal + static_cast<int64_t>(n) * P.numel;
  const int32_t *w = c.iparams + L.iweight + o;
  int32_t sum = 0;
  for (int32_t e = 0; e < nev; ++e)
    sum += val[e] * w[static_cast<int64_t>(idx[e]) * O];
  intOutOf(c, L, n)[o] =
      fixed::synapticOutput(sum, L.weightExp, c.iparams[L.ibias + o]);
}

/// AVG_POOL2D (the window sum; the divisor is in the consumer's weights) and
/// MAX_POOL2D (the window maximum, pads never win) element tid = pos * C + ch.
SNNC_HD void intPoolOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                       int64_t tid) {
  const int32_t C = L.inC;
  const int32_t pos = static_cast<int32_t>(tid / C),
                ch = static_cast<int32_t>(tid - static_cast<int64_t>(pos) * C);
  const int32_t oh = pos / L.outW, ow = pos - oh * L.outW;
  const int32_t *in = intOutOf(c, P, n);
  const bool avg = L.kind == DAvgPool;
  int32_t acc = 0;
  bool first = true;
  for (int32_t a = 0; a < L.kh; ++a) {
    int32_t h = oh * L.sh - L.padT + a;
    if (h < 0 || h >= L.inH)
      continue;
    for (int32_t b = 0; b < L.kw; ++b) {
      int32_t x = ow * L.sw - L.padL + b;
      if (x < 0 || x >= L.inW)
        continue;
      int32_t v = in[(static_cast<int64_t>(h) * L.inW + x) * C + ch];
      acc = avg || first ? (avg ? acc + v : v) : (acc < v ? v : acc);
      first = false;
    }
  }
  intOutOf(c, L, n)[tid] = acc;
}

/// FLATTEN and READOUT element p.
SNNC_HD void intElementwiseOp(const Ctx &c, const DLayer &L, const DLayer &P,
                              int n, int64_t p) {
  const int32_t *in = intOutOf(c, P, n);
  if (L.kind == DFlatten)
    intOutOf(c, L, n)[p] = in[c.iparams[L.gather + p]];
  else if (L.kind == DReadout)
    c.la[L.lacc + static_cast<int64_t>(n) * L.numel + p] += in[p];
}

/// LIF element p at step t (fixed::lifNeuron); returns 1 when it spikes.
SNNC_HD int intLifOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                     int64_t p, int t) {
  const int64_t ch = p % L.channels,
                e = static_cast<int64_t>(t) * L.channels + ch;
  const int64_t off = static_cast<int64_t>(n) * L.numel + p;
  int32_t spike = fixed::lifNeuron(
      c.ia + L.iu + off, c.ia + L.iv + off, intOutOf(c, P, n)[p], L.du,
      c.iparams[L.idv + e], c.iparams[L.ivth + e], c.iparams[L.ilifBias + e],
      c.iparams[L.isign + e], c.iparams[L.ishift + e], L.reset);
  intOutOf(c, L, n)[p] = spike;
  return spike;
}

/// The class sample n would be given after step t + 1: the first largest
/// fixed::readoutValue, as the CPU integer executor computes it.
SNNC_HD void intPredictOp(const Ctx &c, const DLayer &R, int n, int t) {
  const long long *acc = c.la + R.lacc + static_cast<int64_t>(n) * R.numel;
  int32_t best = 0;
  float bestValue = fixed::readoutValue(acc[0], c.outputScale, t + 1);
  for (int64_t k = 1; k < R.numel; ++k) {
    float v = fixed::readoutValue(acc[k], c.outputScale, t + 1);
    if (v > bestValue) {
      best = static_cast<int32_t>(k);
      bestValue = v;
    }
  }
  c.predictions[static_cast<int64_t>(n) * c.steps + t] = best;
}

} // namespace gpu
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_CUDA_INTSTEPOPS_H
