//===- StepOps.h - per-thread step operations of the CUDA backend ---------===//
//
// The body of every CUDA kernel of the backend, written as one function per
// (sample, thread index) that the kernels call with their grid coordinates and
// the host emulation calls in plain loops; the two therefore execute the same
// float operations in the same order. Synaptic sums follow the CPU runtime's
// order exactly: for each output, bias first, then the contributions of the
// non-zero inputs in ascending physical input index (for a convolution output
// that is row-major kernel tap order, input channel innermost), each added as
// round(round(v*w) + acc); a thread owns its outputs, so no two threads ever
// add into the same value and no float atomics are needed. The event path
// scatters the weights of the compacted events; the gather (dense) path reads
// every input and skips the zeros, which yields the same additions.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CUDA_STEPOPS_H
#define SNNC_RUNTIME_CUDA_STEPOPS_H

#include "DeviceNet.h"

namespace snnc {
namespace rt {
namespace gpu {

SNNC_HD float *outOf(const Ctx &c, const DLayer &L, int n) {
  return c.fa + L.out + static_cast<int64_t>(n) * L.numel;
}

/// True when synaptic layer L takes the gather path for sample n. The decision
/// is shared by the `tile` samples of n's tile (1 for convolutions,
/// kDenseTile for the dense GEMM) and depends only on the event counts, so
/// every kernel of the layer agrees. Either path gives the same bits.
SNNC_HD bool useGather(const Ctx &c, const DLayer &P, int n, int tile,
                       float fraction) {
  if (c.mode == ModeEvent)
    return false;
  if (c.mode == ModeDense)
    return true;
  int first = (n / tile) * tile, last = first + tile;
  if (last > c.n)
    last = c.n;
  int64_t events = 0;
  for (int i = first; i < last; ++i)
    events += c.ia[P.evCount + i];
  return static_cast<double>(events) >
         static_cast<double>(fraction) *
             static_cast<double>((last - first) * P.numel);
}

/// ENCODE output element p (physical) of sample n at step t.
SNNC_HD void encodeOp(const Ctx &c, const DLayer &L, int n, int64_t p, int t) {
  if (!c.active[n])
    return;
  int64_t C = L.channels, S = L.spatial, s = p / C, ch = p - s * C;
  int64_t logical = ch * S + s;
  float x = c.input[static_cast<int64_t>(n) * L.numel + logical];
  float v = x;
  if (L.poisson) {
    v = 0.0f;
    if (x != 0) {
      uint64_t D = static_cast<uint64_t>(L.numel);
      uint64_t sample = static_cast<uint64_t>(c.firstSample + n);
      uint64_t counter =
          (sample * static_cast<uint64_t>(c.T) + static_cast<uint64_t>(t)) * D +
          static_cast<uint64_t>(logical);
      float u = poissonUniformHD(c.seed, counter);
      v = poissonSpikeHD(x, u, L.encScale, L.encSigned != 0);
    }
  }
  outOf(c, L, n)[p] = v;
}

/// Weight additions made by one non-zero input p of synaptic layer L.
SNNC_HD int64_t fanout(const Ctx &c, const DLayer &L, int32_t p) {
  if (L.kind == DDense)
    return L.numel;
  int32_t s = static_cast<uint32_t>(p) / static_cast<uint32_t>(L.inC);
  const int32_t *start = c.iparams + L.tapStart;
  return static_cast<int64_t>(start[s + 1] - start[s]) * (L.outC / L.groups);
}

/// Float multiply-add of the CPU runtime's order: round(round(v*w) + acc).
struct FloatMac {
  SNNC_HD void operator()(float *y, float v, float w) const {
    *y = faddRn(*y, fmulRn(v, w));
  }
};

/// CONV2D event scatter of sample n into the outputs `out` of channel o = tid
/// % O at the positions of class r = tid / O (position % rowGroups == r), in
/// ascending event order: for each event (index at evIdx, value in `vals`) of
/// o's group, mac(y, v, w) for every tap of class r. One loop for the float
/// and the integer (IntStepOps.h) forms; the caller initialises `out`.
template <typename T, typename Mac>
SNNC_HD void convScatterEvents(const Ctx &c, const DLayer &L, const DLayer &P,
                               int n, int64_t tid, T *out, const T *vals,
                               const T *weights, Mac mac) {
  const int32_t O = L.outC, Og = O / L.groups, Ig = L.inC / L.groups;
  const int32_t o = static_cast<int32_t>(tid % O),
                r = static_cast<int32_t>(tid / O);
  const int32_t g = o / Og, ol = o - g * Og;
  const int64_t wStride = static_cast<int64_t>(L.kh) * L.kw * Og;
  const int32_t *start = c.iparams + L.tapStart, *tapOut = c.iparams + L.tapOut,
                *tapW = c.iparams + L.tapW, *cls = c.iparams + L.tapClass;
  const int32_t nev = c.ia[P.evCount + n];
  const int32_t *idx = c.ia + P.evIdx + static_cast<int64_t>(n) * P.numel;
  const T *val = vals + static_cast<int64_t>(n) * P.numel;
  for (int32_t e = 0; e < nev; ++e) {
    uint32_t p = static_cast<uint32_t>(idx[e]);
    uint32_t s = p / static_cast<uint32_t>(L.inC);
    int32_t ci = static_cast<int32_t>(p - s * static_cast<uint32_t>(L.inC));
    if (ci / Ig != g)
      continue;
    const T v = val[e];
    const T *wb = weights + ci * wStride + ol;
    for (int32_t k = start[s]; k < start[s + 1]; ++k)
      if (cls[k] == r)
        mac(out + tapOut[k] + o, v, wb[tapW[k]]);
  }
}

/// CONV2D, event path: thread tid owns output channel o = tid % O at the
/// output positions of class r = tid / O (position % rowGroups == r).
SNNC_HD void convEventOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                         int64_t tid) {
  if (!c.active[n] || useGather(c, P, n, 1, c.gather.conv))
    return;
  const int32_t O = L.outC, o = static_cast<int32_t>(tid % O),
                r = static_cast<int32_t>(tid / O);
  float *out = outOf(c, L, n);
  const float bias = c.fparams[L.bias + o];
  for (int32_t pos = r; pos < L.outH * L.outW; pos += L.rowGroups)
    out[static_cast<int64_t>(pos) * O + o] = bias;
  convScatterEvents(c, L, P, n, tid, out, c.fa + P.evVal, c.fparams + L.weight,
                    FloatMac());
}

/// CONV2D, gather path: thread tid computes output (pos = tid / O, o = tid %
/// O) from every non-zero input of its window, taps in row-major order.
SNNC_HD void convGatherOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                          int64_t tid) {
  if (!c.active[n] || !useGather(c, P, n, 1, c.gather.conv))
    return;
  const int32_t O = L.outC, Og = O / L.groups, Ig = L.inC / L.groups;
  const int32_t o = static_cast<int32_t>(tid % O),
                pos = static_cast<int32_t>(tid / O);
  const int32_t g = o / Og, ol = o - g * Og;
  const int32_t oh = pos / L.outW, ow = pos - oh * L.outW;
  const float *in = c.fa + P.out + static_cast<int64_t>(n) * P.numel;
  const float *w = c.fparams + L.weight;
  float acc = c.fparams[L.bias + o];
  for (int32_t a = 0; a < L.kh; ++a) {
    int32_t h = oh * L.sh - L.padT + a * L.dh;
    if (h < 0 || h >= L.inH)
      continue;
    for (int32_t b = 0; b < L.kw; ++b) {
      int32_t x = ow * L.sw - L.padL + b * L.dw;
      if (x < 0 || x >= L.inW)
        continue;
      const float *xs =
          in + (static_cast<int64_t>(h) * L.inW + x) * L.inC + g * Ig;
      for (int32_t ci = 0; ci < Ig; ++ci) {
        float v = xs[ci];
        if (v == 0)
          continue;
        int64_t wi =
            ((static_cast<int64_t>(g * Ig + ci) * L.kh + a) * L.kw + b) * Og +
            ol;
        acc = faddRn(acc, fmulRn(v, w[wi]));
      }
    }
  }
  outOf(c, L, n)[static_cast<int64_t>(pos) * O + o] = acc;
}

/// DENSE, event path: thread o sums the weight rows of the events.
SNNC_HD void denseEventOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                          int64_t o) {
  if (!c.active[n] || useGather(c, P, n, kDenseTile, c.gather.dense))
    return;
  const int64_t O = L.numel;
  const int32_t nev = c.ia[P.evCount + n];
  const int32_t *idx = c.ia + P.evIdx + static_cast<int64_t>(n) * P.numel;
  const float *val = c.fa + P.evVal + static_cast<int64_t>(n) * P.numel;
  const float *w = c.fparams + L.weight + o;
  float acc = c.fparams[L.bias + o];
  for (int32_t e = 0; e < nev; ++e)
    acc = faddRn(acc, fmulRn(val[e], w[static_cast<int64_t>(idx[e]) * O]));
  outOf(c, L, n)[o] = acc;
}

/// DENSE, gather path for one output (the GEMM kernel computes the same sum
/// with tiles; the host emulation calls this).
SNNC_HD void denseGatherOp(const Ctx &c, const DLayer &L, const DLayer &P,
                           int n, int64_t o) {
  if (!c.active[n] || !useGather(c, P, n, kDenseTile, c.gather.dense))
    return;
  const int64_t O = L.numel;
  const float *in = c.fa + P.out + static_cast<int64_t>(n) * P.numel;
  const float *w = c.fparams + L.weight + o;
  float acc = c.fparams[L.bias + o];
  for (int64_t p = 0; p < P.numel; ++p) {
    float v = in[p];
    if (v != 0)
      acc = faddRn(acc, fmulRn(v, w[p * O]));
  }
  outOf(c, L, n)[o] = acc;
}

/// AVG_POOL2D / MAX_POOL2D output element tid = pos * C + ch.
SNNC_HD void poolOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                    int64_t tid) {
  if (!c.active[n])
    return;
  const int32_t C = L.inC;
  const int32_t pos = static_cast<int32_t>(tid / C),
                ch = static_cast<int32_t>(tid - static_cast<int64_t>(pos) * C);
  const int32_t oh = pos / L.outW, ow = pos - oh * L.outW;
  const float *in = c.fa + P.out + static_cast<int64_t>(n) * P.numel;
  const bool avg = L.kind == DAvgPool;
  float acc = 0.0f;
  bool first = true;
  for (int32_t a = 0; a < L.kh; ++a) {
    int32_t h = oh * L.sh - L.padT + a;
    if (h < 0 || h >= L.inH)
      continue;
    for (int32_t b = 0; b < L.kw; ++b) {
      int32_t x = ow * L.sw - L.padL + b;
      if (x < 0 || x >= L.inW)
        continue;
      float v = in[(static_cast<int64_t>(h) * L.inW + x) * C + ch];
      if (avg)
        acc = faddRn(acc, v);
      else if (first)
        acc = v;
      else
        acc = acc < v ? v : acc; // std::max(acc, v)
      first = false;
    }
  }
  if (avg)
    acc = fdivRn(acc, c.fparams[L.poolDiv + pos]);
  outOf(c, L, n)[tid] = acc;
}

/// FLATTEN, ADD, CHANNEL_AFFINE and READOUT element p at step t.
SNNC_HD void elementwiseOp(const Ctx &c, const DLayer &L, const DLayer &P,
                           const DLayer &Q, int n, int64_t p, int t) {
  if (!c.active[n])
    return;
  const float *in = c.fa + P.out + static_cast<int64_t>(n) * P.numel;
  int64_t off = static_cast<int64_t>(n) * L.numel + p;
  switch (L.kind) {
  case DFlatten:
    c.fa[L.out + off] = in[c.iparams[L.gather + p]];
    break;
  case DAdd:
    c.fa[L.out + off] =
        faddRn(in[p], c.fa[Q.out + static_cast<int64_t>(n) * Q.numel + p]);
    break;
  case DAffine: {
    int64_t ch = p % L.channels, row = L.rows == 1 ? 0 : t;
    float sc = c.fparams[L.scale + row * L.channels + ch],
          sh = c.fparams[L.shift + row * L.channels + ch];
    c.fa[L.out + off] = faddRn(fmulRn(sc, in[p]), sh);
    break;
  }
  case DReadout:
    c.fa[L.state + off] = faddRn(c.fa[L.state + off], in[p]);
    break;
  default:
    break;
  }
}

/// LIF element p at step t; returns 1 when it spikes.
SNNC_HD int lifOp(const Ctx &c, const DLayer &L, const DLayer &P, int n,
                  int64_t p, int t) {
  if (!c.active[n])
    return 0;
  const int64_t ch = p % L.channels, row = static_cast<int64_t>(t) * L.channels;
  const float thr = c.fparams[L.thr + row + ch],
              leak = c.fparams[L.leak + row + ch],
              bias = c.fparams[L.lifBias + row + ch],
              gain = c.fparams[L.gain + row + ch];
  int64_t off = static_cast<int64_t>(n) * L.numel + p;
  float x = c.fa[P.out + static_cast<int64_t>(n) * P.numel + p];
  float v =
      faddRn(faddRn(fmulRn(leak, c.fa[L.state + off]), fmulRn(gain, x)), bias);
  bool spike = v > thr;
  if (spike)
    v = L.hardReset ? 0.0f : fsubRn(v, thr);
  c.fa[L.state + off] = v;
  c.fa[L.out + off] = spike ? 1.0f : 0.0f;
  return spike ? 1 : 0;
}

/// --adaptive-exit test of sample n after a step, `remaining` steps left of
/// The class sample n would be given if the run stopped after step t + 1:
/// the first largest readout sum / (t + 1), as the CPU executor computes it.
SNNC_HD void predictOp(const Ctx &c, const DLayer &R, int n, int t) {
  const float *acc = c.fa + R.state + static_cast<int64_t>(n) * R.numel;
  const float steps = static_cast<float>(t + 1);
  int32_t best = 0;
  float bestValue = fdivRn(acc[0], steps);
  for (int64_t k = 1; k < R.numel; ++k) {
    float v = fdivRn(acc[k], steps);
    if (v > bestValue) {
      best = static_cast<int32_t>(k);
      bestValue = v;
    }
  }
  c.predictions[static_cast<int64_t>(n) * c.steps + t] = best;
}

/// `total` (the CPU executor's Worker::settled, operation for operation).
SNNC_HD bool settledOp(const Ctx &c, const DLayer &R, int n, int remaining,
                       int total, double eps) {
  const float *acc = c.fa + R.state + static_cast<int64_t>(n) * R.numel;
  int64_t K = R.numel, lead = 0;
  for (int64_t k = 1; k < K; ++k)
    if (acc[k] > acc[lead])
      lead = k;
  double Rm = remaining, tot = total;
  double low = double(acc[lead]) + Rm * c.adLo[lead];
  for (int64_t k = 0; k < K; ++k) {
    if (k == lead)
      continue;
    double high = double(acc[k]) + Rm * c.adHi[k];
    double a = double(acc[lead]), b = double(acc[k]);
    double margin = eps * ((a < 0 ? -a : a) + (b < 0 ? -b : b) +
                           tot * (c.adMag[lead] + c.adMag[k])) +
                    1e-30;
    if (!(low > high + margin))
      return false;
  }
  return true;
}

} // namespace gpu
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_CUDA_STEPOPS_H
