//===- PrepareLayers.cpp - weight layouts, footprints and pool divisors ---===//
//
// The layout conversions of layers with a spatial window or a weight matrix,
// on a validated model (modelbin::validate checked every size): convolution
// weights are transposed into [I][KH][KW][O/groups] and dense weights into
// [in (physical order)][out], both also blocked by output for the gathers
// (Layer::blocked), and the kernel footprint of every input
// position is tabulated so that the event loops need no divisions. Output
// extents come from the declared (validated) shapes.
//
//===----------------------------------------------------------------------===//
#include "Preparer.h"

#include <algorithm>

namespace snnc {
namespace rt {
namespace detail {

void Preparer::window(const mb::Window2d &w, const Layer &in, Layer &L) {
  L.inC = in.shape[0];
  L.inH = in.shape[1];
  L.inW = in.shape[2];
  L.kh = w.kh;
  L.kw = w.kw;
  L.sh = w.sh;
  L.sw = w.sw;
  L.dh = w.dh;
  L.dw = w.dw;
  L.padT = w.padT;
  L.padL = w.padL;
  L.padB = w.padB;
  L.padR = w.padR;
  L.outC = L.shape[0];
  L.outH = L.shape[1];
  L.outW = L.shape[2];
}

void Preparer::footprint(Layer &L, int64_t wStride) {
  L.tapStart.assign(static_cast<size_t>(L.inH * L.inW + 1), 0);
  for (int64_t h = 0; h < L.inH; ++h)
    for (int64_t x = 0; x < L.inW; ++x) {
      for (int64_t a = 0; a < L.kh; ++a) {
        int64_t oh = h + L.padT - a * L.dh;
        if (oh < 0 || oh % L.sh || oh / L.sh >= L.outH)
          continue;
        for (int64_t b = 0; b < L.kw; ++b) {
          int64_t ow = x + L.padL - b * L.dw;
          if (ow < 0 || ow % L.sw || ow / L.sw >= L.outW)
            continue;
          L.tapOut.push_back(static_cast<int32_t>(
              ((oh / L.sh) * L.outW + ow / L.sw) * L.outC));
          L.tapW.push_back(static_cast<int32_t>((a * L.kw + b) * wStride));
        }
      }
      L.tapStart[h * L.inW + x + 1] = static_cast<int32_t>(L.tapOut.size());
    }
}

void Preparer::conv(const mb::Layer &pl, const Layer &in, Layer &L) {
  const mb::Conv2d &c = pl.conv2d();
  window(mb::convWindow(c), in, L);
  L.groups = mb::convGroups(c);
  std::vector<float> w = mb::readFloats(c.weight());
  L.bias = c.bias().shape_size() ? mb::readFloats(c.bias())
                                 : std::vector<float>(L.outC, 0.0f);
  L.paramCount = int64_t(w.size()) + (c.bias().shape_size() ? L.outC : 0);
  // Transpose [O][I/g][KH][KW] -> [I][KH][KW][O/g].
  int64_t Ig = L.inC / L.groups, Og = L.outC / L.groups;
  L.weight.assign(w.size(), 0.0f);
  for (int64_t o = 0; o < L.outC; ++o)
    for (int64_t ci = 0; ci < Ig; ++ci)
      for (int64_t a = 0; a < L.kh; ++a)
        for (int64_t b = 0; b < L.kw; ++b) {
          int64_t g = o / Og, ol = o % Og, cin = g * Ig + ci;
          L.weight[((cin * L.kh + a) * L.kw + b) * Og + ol] =
              w[((o * Ig + ci) * L.kh + a) * L.kw + b];
        }
  footprint(L, Og);
  if (L.groups != 1)
    return;
  // The tap-major copy of the gather (Layer::blocked): block [c0, c0 + n)
  // at c0 * taps * I as [tap][ci][n].
  const int64_t taps = L.kh * L.kw, I = L.inC;
  L.blocked.resize(L.weight.size());
  for (int64_t c0 = 0, n; c0 < Og; c0 += n) {
    n = gatherBlock(Og - c0);
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t ci = 0; ci < I; ++ci)
        std::copy_n(&L.weight[(ci * taps + t) * Og + c0], n,
                    &L.blocked[c0 * taps * I + (t * I + ci) * n]);
  }
}

void Preparer::dense(const mb::Layer &pl, const Layer &in, Layer &L) {
  const mb::Dense &d = pl.dense();
  int64_t out = d.weight().shape(0), nin = d.weight().shape(1);
  std::vector<float> w = mb::readFloats(d.weight());
  L.bias = d.bias().shape_size() ? mb::readFloats(d.bias())
                                 : std::vector<float>(out, 0.0f);
  L.paramCount = out * nin + (d.bias().shape_size() ? out : 0);
  L.weight.assign(w.size(), 0.0f);
  for (int64_t l = 0; l < nin; ++l) {
    int64_t p = Network::physical(l, in.channels, in.spatial);
    for (int64_t o = 0; o < out; ++o)
      L.weight[p * out + o] = w[o * nin + l];
  }
  L.blocked.resize(L.weight.size());
  for (int64_t c0 = 0, n; c0 < out; c0 += n) {
    n = gatherBlock(out - c0);
    for (int64_t p = 0; p < nin; ++p)
      std::copy_n(&L.weight[p * out + c0], n, &L.blocked[c0 * nin + p * n]);
  }
}

void Preparer::pool(const mb::Layer &pl, const Layer &in, Layer &L) {
  const mb::Pool2d &p = pl.pool();
  window(mb::poolWindow(p), in, L);
  L.countIncludePad = p.count_include_pad();
  if (L.kind != Kind::AvgPool)
    return;
  L.poolDiv.resize(static_cast<size_t>(L.outH * L.outW));
  for (int64_t oh = 0; oh < L.outH; ++oh)
    for (int64_t ow = 0; ow < L.outW; ++ow) {
      int64_t h0 = oh * L.sh - L.padT, w0 = ow * L.sw - L.padL;
      int64_t h1 = h0 + L.kh, w1 = w0 + L.kw;
      int64_t lo_h = L.countIncludePad ? -L.padT : 0,
              lo_w = L.countIncludePad ? -L.padL : 0;
      int64_t hi_h = L.countIncludePad ? L.inH + L.padB : L.inH;
      int64_t hi_w = L.countIncludePad ? L.inW + L.padR : L.inW;
      int64_t n = (std::min(h1, hi_h) - std::max(h0, lo_h)) *
                  (std::min(w1, hi_w) - std::max(w0, lo_w));
      L.poolDiv[oh * L.outW + ow] = static_cast<float>(n);
    }
  footprint(L, 0);
}

} // namespace detail
} // namespace rt
} // namespace snnc
