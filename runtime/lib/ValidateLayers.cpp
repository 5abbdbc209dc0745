//===- ValidateLayers.cpp - parameter tensors and layer geometry ----------===//
//
// The parts of model.bin validation that read parameters: tensor dtype, shape,
// byte size and finiteness; strides, dilations and pads against their ranges;
// output shapes of convolutions, dense layers and pools recomputed from the
// input with the one rule of Shapes.h; the kernel-footprint limit the
// executor's tables must respect. Also the window defaults and the float
// decoder that every reader of validated models shares.
//
//===----------------------------------------------------------------------===//
#include "Validator.h"

#include "snnc/Support/Limits.h"
#include "snnc/modelbin/Shapes.h"

#include <cmath>
#include <cstring>

namespace snnc {
namespace modelbin {

std::vector<float> readFloats(const Tensor &t) {
  if (t.dtype() != Tensor::F32) { // integer models: the values, as floats
    std::vector<int64_t> v = readInts(t);
    return std::vector<float>(v.begin(), v.end());
  }
  std::vector<float> out(t.data().size() / 4);
  const char *src = t.data().data();
  for (size_t k = 0; k < out.size(); ++k) {
    unsigned char b[4];
    std::memcpy(b, src + 4 * k, 4);
    uint32_t bits = uint32_t(b[0]) | uint32_t(b[1]) << 8 |
                    uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    std::memcpy(&out[k], &bits, 4);
  }
  return out;
}

namespace {
int64_t at(const google::protobuf::RepeatedField<int64_t> &f, int i,
           int64_t dflt) {
  return i < f.size() ? f[i] : dflt;
}
} // namespace

Window2d convWindow(const Conv2d &c) {
  Window2d w;
  w.kh = c.weight().shape_size() == 4 ? c.weight().shape(2) : 1;
  w.kw = c.weight().shape_size() == 4 ? c.weight().shape(3) : 1;
  w.sh = at(c.strides(), 0, 1);
  w.sw = at(c.strides(), 1, 1);
  w.dh = at(c.dilations(), 0, 1);
  w.dw = at(c.dilations(), 1, 1);
  w.padT = at(c.pads(), 0, 0);
  w.padL = at(c.pads(), 1, 0);
  w.padB = at(c.pads(), 2, 0);
  w.padR = at(c.pads(), 3, 0);
  return w;
}

Window2d poolWindow(const Pool2d &p) {
  Window2d w;
  w.kh = at(p.kernel(), 0, 1);
  w.kw = at(p.kernel(), 1, 1);
  w.sh = at(p.strides(), 0, 1);
  w.sw = at(p.strides(), 1, 1);
  w.padT = at(p.pads(), 0, 0);
  w.padL = at(p.pads(), 1, 0);
  w.padB = at(p.pads(), 2, 0);
  w.padR = at(p.pads(), 3, 0);
  return w;
}

namespace detail {

using limits::kMaxDim;
using limits::kMaxKernel;
using limits::kMaxNumel;
using limits::kMaxTaps;

bool Validator::numelOf(const Dims &d, const char *field, int64_t *out) {
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

bool Validator::tensor(const Tensor &t, const char *field, const Dims &expect) {
  Dims got = toDims(t.shape());
  if (got != expect)
    return fail(fmt::format("{}: shape {}, expected {}", field, dimsStr(got),
                            dimsStr(expect)));
  if (t.dtype() != Tensor::F32)
    return fail(fmt::format("{}: dtype {} is not supported, expected F32 (0)",
                            field, static_cast<int>(t.dtype())));
  int64_t n;
  if (!numelOf(got, field, &n))
    return false;
  if (static_cast<int64_t>(t.data().size()) != n * 4)
    return fail(
        fmt::format("{}: data holds {} bytes, expected {} ({} float32 values)",
                    field, t.data().size(), n * 4, n));
  std::vector<float> v = readFloats(t);
  for (size_t k = 0; k < v.size(); ++k)
    if (!std::isfinite(v[k]))
      return fail(fmt::format("{}: element {} is {}, expected a finite value",
                              field, k, v[k]));
  return true;
}

bool Validator::optionalTensor(const Tensor &t, const char *field,
                               const Dims &expect) {
  if (t.shape_size() == 0 && t.data().empty())
    return true;
  return tensor(t, field, expect);
}

bool Validator::pair(const google::protobuf::RepeatedField<int64_t> &f,
                     const char *field, int64_t lo, int64_t hi) {
  if (f.empty())
    return true;
  if (f.size() != 2)
    return fail(fmt::format("{}: {} values, expected 2", field, f.size()));
  for (int64_t v : f)
    if (v < lo || v > hi)
      return fail(fmt::format("{}: value {} out of range, expected {}..{}",
                              field, v, lo, hi));
  return true;
}

bool Validator::pads4(const google::protobuf::RepeatedField<int64_t> &f) {
  if (f.empty())
    return true;
  if (f.size() != 4)
    return fail(fmt::format(
        "pads: {} values, expected 4 [top, left, bottom, right]", f.size()));
  for (int64_t v : f)
    if (v < 0 || v > kMaxKernel)
      return fail(fmt::format("pads: value {} out of range, expected 0..{}", v,
                              kMaxKernel));
  return true;
}

bool Validator::spatialInput(const LayerInfo &in) {
  if (in.shape.size() != 3)
    return fail(
        fmt::format("input shape {} has rank {}, expected rank 3 [C, H, W]",
                    dimsStr(in.shape), in.shape.size()));
  return true;
}

bool Validator::taps(const LayerInfo &in, int64_t kh, int64_t kw,
                     const char *what) {
  int64_t H = in.shape[1], W = in.shape[2];
  if (H * W > kMaxTaps / (kh * kw))
    return fail(fmt::format("{}: {}x{} input positions x {}x{} kernel taps "
                            "exceed {}",
                            what, H, W, kh, kw, kMaxTaps));
  return true;
}

bool Validator::conv(const Layer &pl, const LayerInfo &in, Dims *shape) {
  if (pl.params_case() != Layer::kConv2D)
    return fail("params: expected conv2d parameters");
  const Conv2d &c = pl.conv2d();
  if (!spatialInput(in))
    return false;
  Dims ws = toDims(c.weight().shape());
  if (ws.size() != 4)
    return fail(fmt::format(
        "conv2d.weight: shape {}, expected rank 4 [O, I/groups, KH, KW]",
        dimsStr(ws)));
  int64_t wn;
  if (!numelOf(ws, "conv2d.weight", &wn))
    return false;
  int64_t inC = in.shape[0], groups = convGroups(c);
  if (groups < 1 || groups > inC)
    return fail(fmt::format("conv2d.groups: {} out of range, expected 1..{}",
                            c.groups(), inC));
  if (inC % groups != 0 || ws[0] % groups != 0)
    return fail(fmt::format(
        "conv2d.groups: {} does not divide input channels {} and output "
        "channels {}",
        groups, inC, ws[0]));
  if (ws[1] * groups != inC)
    return fail(fmt::format(
        "conv2d.weight: dim 1 is {}, expected input channels / groups = {}",
        ws[1], inC / groups));
  if (ws[2] > kMaxKernel || ws[3] > kMaxKernel)
    return fail(fmt::format("conv2d.weight: kernel {}x{} larger than {}", ws[2],
                            ws[3], kMaxKernel));
  if (!pair(c.strides(), "conv2d.strides", 1, kMaxKernel) ||
      !pair(c.dilations(), "conv2d.dilations", 1, kMaxKernel) ||
      !pads4(c.pads()))
    return false;
  Window2d w = convWindow(c);
  int64_t oh = windowOutputSize(in.shape[1], w.kh, w.sh, w.padT, w.padB, w.dh);
  int64_t ow = windowOutputSize(in.shape[2], w.kw, w.sw, w.padL, w.padR, w.dw);
  if (oh < 0 || ow < 0)
    return fail(fmt::format(
        "conv2d: dilated kernel {}x{} does not fit the padded input {}x{}",
        dilatedExtent(w.kh, w.dh), dilatedExtent(w.kw, w.dw),
        in.shape[1] + w.padT + w.padB, in.shape[2] + w.padL + w.padR));
  *shape = {ws[0], oh, ow};
  if (integer && !intWeights(c.weight(), c.bias(), c.weight_exp(), "conv2d", ws,
                             ws[1] * ws[2] * ws[3], in))
    return false;
  if (!integer && c.weight_exp() != 0)
    return fail("conv2d.weight_exp: set in a float model");
  return (integer || (tensor(c.weight(), "conv2d.weight", ws) &&
                      optionalTensor(c.bias(), "conv2d.bias", Dims{ws[0]}))) &&
         taps(in, w.kh, w.kw, "conv2d");
}

bool Validator::dense(const Layer &pl, const LayerInfo &in, Dims *shape) {
  if (pl.params_case() != Layer::kDense)
    return fail("params: expected dense parameters");
  const Dense &d = pl.dense();
  Dims ws = toDims(d.weight().shape());
  if (ws.size() != 2)
    return fail(fmt::format("dense.weight: shape {}, expected rank 2 [out, in]",
                            dimsStr(ws)));
  if (ws[1] != in.numel)
    return fail(fmt::format(
        "dense.weight: shape {}, expected in = {} (elements of input '{}')",
        dimsStr(ws), in.numel, in.name));
  int64_t wn;
  if (!numelOf(ws, "dense.weight", &wn) ||
      (integer && !intWeights(d.weight(), d.bias(), d.weight_exp(), "dense", ws,
                              ws[1], in)) ||
      (!integer && d.weight_exp() != 0 &&
       !fail("dense.weight_exp: set in a float model")) ||
      (!integer && (!tensor(d.weight(), "dense.weight", ws) ||
                    !optionalTensor(d.bias(), "dense.bias", Dims{ws[0]}))))
    return false;
  *shape = {ws[0]};
  return true;
}

bool Validator::pool(const Layer &pl, const LayerInfo &in, Dims *shape) {
  if (pl.params_case() != Layer::kPool)
    return fail("params: expected pool parameters");
  const Pool2d &p = pl.pool();
  if (!spatialInput(in))
    return false;
  if (p.kernel_size() != 2)
    return fail(fmt::format("pool.kernel: {} values, expected 2 [kh, kw]",
                            p.kernel_size()));
  if (!pair(p.kernel(), "pool.kernel", 1, kMaxKernel) ||
      !pair(p.strides(), "pool.strides", 1, kMaxKernel) || !pads4(p.pads()))
    return false;
  Window2d w = poolWindow(p);
  if (w.padT >= w.kh || w.padB >= w.kh || w.padL >= w.kw || w.padR >= w.kw)
    return fail("pool.pads: every pad must be smaller than the kernel in its "
                "dimension");
  int64_t oh = windowOutputSize(in.shape[1], w.kh, w.sh, w.padT, w.padB);
  int64_t ow = windowOutputSize(in.shape[2], w.kw, w.sw, w.padL, w.padR);
  if (oh < 0 || ow < 0)
    return fail(fmt::format("pool.kernel: {}x{} does not fit the padded input",
                            w.kh, w.kw));
  *shape = {in.shape[0], oh, ow};
  if (pl.kind() == Layer::AVG_POOL2D)
    return taps(in, w.kh, w.kw, "pool");
  return true;
}

} // namespace detail
} // namespace modelbin
} // namespace snnc
