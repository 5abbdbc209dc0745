//===- PrepareLayers.cpp - parameter tensors and layer geometry -----------===//
//
// The parts of model.bin validation that read parameters: tensor dtype, shape,
// byte size and finiteness; strides, dilations and pads against their ranges;
// output shapes of convolutions, dense layers and pools recomputed from the
// input. Weights are transposed here into the layouts of Network.h, and the
// kernel footprint of every input position is tabulated so that the event
// loops need no divisions.
//
//===----------------------------------------------------------------------===//
#include "Preparer.h"

#include <cmath>
#include <cstring>

namespace snnc {
namespace rt {
namespace detail {

bool Preparer::numelOf(const Dims &d, const char *field, int64_t *out) {
  if (d.empty())
    return fail(
        fmt::format("{}: empty shape, expected at least one dimension", field));
  int64_t n = 1;
  for (int64_t v : d) {
    if (v < 1 || v > kMaxDim)
      return fail(
          fmt::format("{}: dimension {} in {} out of range, expected 1..{}",
                      field, v, dimsStr(d), kMaxDim));
    if (n > kMaxNumel / v)
      return fail(fmt::format("{}: shape {} has more than {} elements", field,
                              dimsStr(d), kMaxNumel));
    n *= v;
  }
  *out = n;
  return true;
}

bool Preparer::tensor(const mb::Tensor &t, const char *field,
                      const Dims &expect, std::vector<float> *out) {
  Dims got = toDims(t.shape());
  if (got != expect)
    return fail(fmt::format("{}: shape {}, expected {}", field, dimsStr(got),
                            dimsStr(expect)));
  if (t.dtype() != mb::Tensor::F32)
    return fail(fmt::format("{}: dtype {} is not supported, expected F32 (0)",
                            field, static_cast<int>(t.dtype())));
  int64_t n;
  if (!numelOf(got, field, &n))
    return false;
  if (static_cast<int64_t>(t.data().size()) != n * 4)
    return fail(
        fmt::format("{}: data holds {} bytes, expected {} ({} float32 values)",
                    field, t.data().size(), n * 4, n));
  out->resize(static_cast<size_t>(n));
  const char *src = t.data().data();
  for (int64_t k = 0; k < n; ++k) {
    unsigned char b[4];
    std::memcpy(b, src + 4 * k, 4);
    uint32_t bits = uint32_t(b[0]) | uint32_t(b[1]) << 8 |
                    uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    float v;
    std::memcpy(&v, &bits, 4);
    if (!std::isfinite(v))
      return fail(fmt::format("{}: element {} is {}, expected a finite value",
                              field, k, v));
    (*out)[k] = v;
  }
  return true;
}

bool Preparer::optionalTensor(const mb::Tensor &t, const char *field,
                              const Dims &expect, std::vector<float> *out) {
  if (t.shape_size() == 0 && t.data().empty()) {
    out->assign(static_cast<size_t>(expect[0]), 0.0f);
    return true;
  }
  return tensor(t, field, expect, out);
}

bool Preparer::table(const mb::Tensor &t, const char *field, int64_t rows,
                     int64_t C, std::vector<float> *out) {
  return tensor(t, field, Dims{rows, C}, out);
}

bool Preparer::pair(const google::protobuf::RepeatedField<int64_t> &f,
                    const char *field, int64_t dflt, int64_t lo, int64_t hi,
                    int64_t *a, int64_t *b) {
  if (f.empty()) {
    *a = *b = dflt;
    return true;
  }
  if (f.size() != 2)
    return fail(fmt::format("{}: {} values, expected 2", field, f.size()));
  for (int64_t v : f)
    if (v < lo || v > hi)
      return fail(fmt::format("{}: value {} out of range, expected {}..{}",
                              field, v, lo, hi));
  *a = f[0];
  *b = f[1];
  return true;
}

bool Preparer::pads4(const google::protobuf::RepeatedField<int64_t> &f,
                     Layer &L) {
  if (f.empty())
    return true;
  if (f.size() != 4)
    return fail(fmt::format(
        "pads: {} values, expected 4 [top, left, bottom, right]", f.size()));
  for (int64_t v : f)
    if (v < 0 || v > kMaxKernel)
      return fail(fmt::format("pads: value {} out of range, expected 0..{}", v,
                              kMaxKernel));
  L.padT = f[0];
  L.padL = f[1];
  L.padB = f[2];
  L.padR = f[3];
  return true;
}

bool Preparer::spatialInput(const Layer &in, Layer &L) {
  if (in.shape.size() != 3)
    return fail(
        fmt::format("input shape {} has rank {}, expected rank 3 [C, H, W]",
                    dimsStr(in.shape), in.shape.size()));
  L.inC = in.shape[0];
  L.inH = in.shape[1];
  L.inW = in.shape[2];
  return true;
}

bool Preparer::footprint(Layer &L, int64_t wStride, const char *what) {
  if (L.inH * L.inW > kMaxTaps / (L.kh * L.kw))
    return fail(fmt::format("{}: {}x{} input positions x {}x{} kernel taps "
                            "exceed {}",
                            what, L.inH, L.inW, L.kh, L.kw, kMaxTaps));
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
  return true;
}

bool Preparer::conv(const mb::Layer &pl, const Layer &in, Layer &L,
                    Dims *shape) {
  if (pl.params_case() != mb::Layer::kConv2D)
    return fail("params: expected conv2d parameters");
  const mb::Conv2d &c = pl.conv2d();
  if (!spatialInput(in, L))
    return false;
  Dims ws = toDims(c.weight().shape());
  if (ws.size() != 4)
    return fail(fmt::format(
        "conv2d.weight: shape {}, expected rank 4 [O, I/groups, KH, KW]",
        dimsStr(ws)));
  int64_t wn;
  if (!numelOf(ws, "conv2d.weight", &wn))
    return false;
  L.groups = c.groups() == 0 ? 1 : c.groups();
  if (L.groups < 1 || L.groups > L.inC)
    return fail(fmt::format("conv2d.groups: {} out of range, expected 1..{}",
                            c.groups(), L.inC));
  if (L.inC % L.groups != 0 || ws[0] % L.groups != 0)
    return fail(fmt::format(
        "conv2d.groups: {} does not divide input channels {} and output "
        "channels {}",
        L.groups, L.inC, ws[0]));
  if (ws[1] * L.groups != L.inC)
    return fail(fmt::format(
        "conv2d.weight: dim 1 is {}, expected input channels / groups = {}",
        ws[1], L.inC / L.groups));
  L.outC = ws[0];
  L.kh = ws[2];
  L.kw = ws[3];
  if (L.kh > kMaxKernel || L.kw > kMaxKernel)
    return fail(fmt::format("conv2d.weight: kernel {}x{} larger than {}", L.kh,
                            L.kw, kMaxKernel));
  if (!pair(c.strides(), "conv2d.strides", 1, 1, kMaxKernel, &L.sh, &L.sw) ||
      !pair(c.dilations(), "conv2d.dilations", 1, 1, kMaxKernel, &L.dh,
            &L.dw) ||
      !pads4(c.pads(), L))
    return false;
  int64_t effH = L.dh * (L.kh - 1) + 1, effW = L.dw * (L.kw - 1) + 1;
  int64_t numH = L.inH + L.padT + L.padB - effH,
          numW = L.inW + L.padL + L.padR - effW;
  if (numH < 0 || numW < 0)
    return fail(fmt::format(
        "conv2d: dilated kernel {}x{} does not fit the padded input {}x{}",
        effH, effW, L.inH + L.padT + L.padB, L.inW + L.padL + L.padR));
  L.outH = numH / L.sh + 1;
  L.outW = numW / L.sw + 1;
  *shape = {L.outC, L.outH, L.outW};
  std::vector<float> w;
  if (!tensor(c.weight(), "conv2d.weight", ws, &w) ||
      !optionalTensor(c.bias(), "conv2d.bias", Dims{L.outC}, &L.bias))
    return false;
  L.paramCount = wn + (c.bias().shape_size() ? L.outC : 0);
  // Transpose [O][I/g][KH][KW] -> [I][KH][KW][O/g].
  int64_t Ig = L.inC / L.groups, Og = L.outC / L.groups;
  L.weight.assign(static_cast<size_t>(wn), 0.0f);
  for (int64_t o = 0; o < L.outC; ++o)
    for (int64_t ci = 0; ci < Ig; ++ci)
      for (int64_t a = 0; a < L.kh; ++a)
        for (int64_t b = 0; b < L.kw; ++b) {
          int64_t g = o / Og, ol = o % Og, cin = g * Ig + ci;
          L.weight[((cin * L.kh + a) * L.kw + b) * Og + ol] =
              w[((o * Ig + ci) * L.kh + a) * L.kw + b];
        }
  return footprint(L, Og, "conv2d");
}

bool Preparer::dense(const mb::Layer &pl, const Layer &in, Layer &L,
                     Dims *shape) {
  if (pl.params_case() != mb::Layer::kDense)
    return fail("params: expected dense parameters");
  const mb::Dense &d = pl.dense();
  Dims ws = toDims(d.weight().shape());
  if (ws.size() != 2)
    return fail(fmt::format("dense.weight: shape {}, expected rank 2 [out, in]",
                            dimsStr(ws)));
  if (ws[1] != in.numel)
    return fail(fmt::format(
        "dense.weight: shape {}, expected in = {} (elements of input '{}')",
        dimsStr(ws), in.numel, in.name));
  int64_t wn;
  if (!numelOf(ws, "dense.weight", &wn))
    return false;
  std::vector<float> w;
  if (!tensor(d.weight(), "dense.weight", ws, &w) ||
      !optionalTensor(d.bias(), "dense.bias", Dims{ws[0]}, &L.bias))
    return false;
  int64_t out = ws[0], nin = ws[1];
  L.paramCount = wn + (d.bias().shape_size() ? out : 0);
  L.weight.assign(static_cast<size_t>(wn), 0.0f);
  for (int64_t l = 0; l < nin; ++l) {
    int64_t p = Network::physical(l, in.channels, in.spatial);
    for (int64_t o = 0; o < out; ++o)
      L.weight[p * out + o] = w[o * nin + l];
  }
  *shape = {out};
  return true;
}

bool Preparer::pool(const mb::Layer &pl, const Layer &in, Layer &L,
                    Dims *shape) {
  if (pl.params_case() != mb::Layer::kPool)
    return fail("params: expected pool parameters");
  const mb::Pool2d &p = pl.pool();
  if (!spatialInput(in, L))
    return false;
  if (p.kernel_size() != 2)
    return fail(fmt::format("pool.kernel: {} values, expected 2 [kh, kw]",
                            p.kernel_size()));
  if (!pair(p.kernel(), "pool.kernel", 1, 1, kMaxKernel, &L.kh, &L.kw) ||
      !pair(p.strides(), "pool.strides", 1, 1, kMaxKernel, &L.sh, &L.sw) ||
      !pads4(p.pads(), L))
    return false;
  if (L.padT >= L.kh || L.padB >= L.kh || L.padL >= L.kw || L.padR >= L.kw)
    return fail("pool.pads: every pad must be smaller than the kernel in its "
                "dimension");
  int64_t numH = L.inH + L.padT + L.padB - L.kh,
          numW = L.inW + L.padL + L.padR - L.kw;
  if (numH < 0 || numW < 0)
    return fail(fmt::format("pool.kernel: {}x{} does not fit the padded input",
                            L.kh, L.kw));
  L.outC = L.inC;
  L.outH = numH / L.sh + 1;
  L.outW = numW / L.sw + 1;
  L.countIncludePad = p.count_include_pad();
  *shape = {L.outC, L.outH, L.outW};
  if (L.kind == Kind::AvgPool) {
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
    return footprint(L, 0, "pool");
  }
  return true;
}

} // namespace detail
} // namespace rt
} // namespace snnc
