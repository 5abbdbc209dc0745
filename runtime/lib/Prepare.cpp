//===- Prepare.cpp - validate a parsed model and build the Network --------===//
//
// Every rule of docs/model-bin.md "Validation" lives here: model-level fields,
// per-layer input indices, shapes recomputed from the inputs and compared with
// the declared ones, parameter tensors (dtype, shape, byte size, finiteness,
// value ranges), table sizes against T and channel counts, and allocation
// limits. The checks run before any parameter is used, so the executor can
// index without bounds checks. All size arithmetic is done in int64 after range
// checks.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/Network.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

namespace snnc {
namespace rt {

namespace mb = snnc::modelbin;

const char *kindName(Kind k) {
  static const char *names[] = {
      "ENCODE",  "CONV2D", "DENSE",          "AVG_POOL2D", "MAX_POOL2D",
      "FLATTEN", "ADD",    "CHANNEL_AFFINE", "LIF",        "READOUT"};
  return names[static_cast<int>(k)];
}

namespace {

using Dims = std::vector<int64_t>;

std::string dimsStr(const Dims &d) {
  return fmt::format("[{}]", fmt::join(d, ", "));
}

template <typename R> Dims toDims(const R &r) {
  return Dims(r.begin(), r.end());
}

class Preparer {
public:
  Preparer(const mb::Model &m, Network *net, std::string *error)
      : m(m), net(*net), error(*error) {}
  bool run();

private:
  const mb::Model &m;
  Network &net;
  std::string &error;
  std::string where; // "layer 3 'conv1' (CONV2D)"

  bool fail(const std::string &msg) {
    error = where.empty() ? msg : where + ": " + msg;
    return false;
  }
  bool numelOf(const Dims &d, const char *field, int64_t *out);
  bool tensor(const mb::Tensor &t, const char *field, const Dims &expect,
              std::vector<float> *out);
  bool optionalTensor(const mb::Tensor &t, const char *field,
                      const Dims &expect, std::vector<float> *out);
  bool pair(const google::protobuf::RepeatedField<int64_t> &f,
            const char *field, int64_t dflt, int64_t lo, int64_t hi, int64_t *a,
            int64_t *b);
  bool pads4(const google::protobuf::RepeatedField<int64_t> &f, Layer &L);
  bool spatialInput(const Layer &in, Layer &L);
  bool layer(int i, const mb::Layer &pl);
  bool conv(const mb::Layer &pl, const Layer &in, Layer &L, Dims *shape);
  bool dense(const mb::Layer &pl, const Layer &in, Layer &L, Dims *shape);
  bool pool(const mb::Layer &pl, const Layer &in, Layer &L, Dims *shape);
  bool table(const mb::Tensor &t, const char *field, int64_t rows, int64_t C,
             std::vector<float> *out);
};

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
  // Kernel footprint of every input position (no divisions left in the event
  // loop).
  if (L.inH * L.inW > kMaxTaps / (L.kh * L.kw))
    return fail(fmt::format(
        "conv2d: {}x{} input positions x {}x{} kernel taps exceed {}", L.inH,
        L.inW, L.kh, L.kw, kMaxTaps));
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
          L.tapW.push_back(static_cast<int32_t>((a * L.kw + b) * Og));
        }
      }
      L.tapStart[h * L.inW + x + 1] = static_cast<int32_t>(L.tapOut.size());
    }
  return true;
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
  }
  return true;
}

bool expectedBinary(const Layer &L, const std::vector<Layer> &layers) {
  switch (L.kind) {
  case Kind::Encode:
    return L.poisson;
  case Kind::Lif:
    return true;
  case Kind::MaxPool:
  case Kind::Flatten:
    return layers[L.inputs[0]].binary;
  default:
    return false;
  }
}

bool Preparer::layer(int i, const mb::Layer &pl) {
  Layer L;
  L.name = pl.name();
  where = fmt::format("layer {} '{}'", i, L.name);
  if (!mb::Layer::Kind_IsValid(pl.kind()))
    return fail(fmt::format("kind: {} is not a layer kind, expected 0..9",
                            static_cast<int>(pl.kind())));
  L.kind = static_cast<Kind>(pl.kind());
  where += fmt::format(" ({})", kindName(L.kind));
  if (L.name.empty())
    return fail("name: empty, expected the ONNX node name");
  size_t want = L.kind == Kind::Encode ? 0 : L.kind == Kind::Add ? 2 : 1;
  if (static_cast<size_t>(pl.inputs_size()) != want)
    return fail(
        fmt::format("inputs: {} given, expected {}", pl.inputs_size(), want));
  for (int v : pl.inputs()) {
    if (v < 0 || v >= i)
      return fail(fmt::format(
          "inputs: index {} out of range, expected an earlier layer 0..{}", v,
          i - 1));
    if (net.layers[v].kind == Kind::Readout)
      return fail(fmt::format(
          "inputs: layer {} is the READOUT, which feeds no layer", v));
    L.inputs.push_back(v);
  }
  Dims declared = toDims(pl.shape());
  if (!numelOf(declared, "shape", &L.numel))
    return false;
  const Layer *in = want ? &net.layers[L.inputs[0]] : nullptr;
  Dims shape;
  switch (L.kind) {
  case Kind::Encode: {
    if (pl.params_case() != mb::Layer::kEncoder)
      return fail("params: expected encoder parameters");
    const mb::Encoder &e = pl.encoder();
    if (!mb::Encoder::Kind_IsValid(e.kind()))
      return fail(fmt::format(
          "encoder.kind: {} is not an encoder kind, expected 0 or 1",
          static_cast<int>(e.kind())));
    L.poisson = e.kind() == mb::Encoder::POISSON;
    L.encScale = e.scale();
    L.encSigned = e.signed_();
    if (L.poisson && !(std::isfinite(L.encScale) && L.encScale > 0))
      return fail(fmt::format("encoder.scale: {}, expected a finite value > 0",
                              L.encScale));
    shape = net.inputShape;
    L.bounded = L.poisson;
    L.lo = L.encSigned ? -1.0f : 0.0f;
    L.hi = 1.0f;
    break;
  }
  case Kind::Conv2d:
    if (!conv(pl, *in, L, &shape))
      return false;
    break;
  case Kind::Dense:
    if (!dense(pl, *in, L, &shape))
      return false;
    break;
  case Kind::AvgPool:
  case Kind::MaxPool:
    if (!pool(pl, *in, L, &shape))
      return false;
    L.bounded = in->bounded;
    L.lo = in->lo;
    L.hi = in->hi;
    if (L.kind == Kind::AvgPool && L.countIncludePad) {
      L.lo = std::min(L.lo, 0.0f);
      L.hi = std::max(L.hi, 0.0f);
    }
    break;
  case Kind::Flatten:
    shape = {in->numel};
    L.gather.resize(static_cast<size_t>(in->numel));
    for (int64_t j = 0; j < in->numel; ++j)
      L.gather[j] =
          static_cast<int32_t>(Network::physical(j, in->channels, in->spatial));
    L.bounded = in->bounded;
    L.lo = in->lo;
    L.hi = in->hi;
    break;
  case Kind::Add:
    if (net.layers[L.inputs[1]].shape != in->shape)
      return fail(fmt::format(
          "inputs: shapes {} and {} differ, expected equal shapes",
          dimsStr(in->shape), dimsStr(net.layers[L.inputs[1]].shape)));
    shape = in->shape;
    break;
  case Kind::Affine: {
    if (pl.params_case() != mb::Layer::kAffine)
      return fail("params: expected affine parameters");
    const mb::ChannelAffine &a = pl.affine();
    int64_t rows = a.scale().shape_size() >= 1 ? a.scale().shape(0) : 0;
    if (rows != 1 && rows != net.steps)
      return fail(fmt::format("affine.scale: {} rows, expected 1 or T = {}",
                              rows, net.steps));
    L.rows = rows;
    if (!table(a.scale(), "affine.scale", rows, in->channels, &L.scale) ||
        !table(a.shift(), "affine.shift", rows, in->channels, &L.shift))
      return false;
    L.paramCount = 2 * rows * in->channels;
    shape = in->shape;
    break;
  }
  case Kind::Lif: {
    if (pl.params_case() != mb::Layer::kLif)
      return fail("params: expected lif parameters");
    const mb::LIF &f = pl.lif();
    if (!mb::LIF::Reset_IsValid(f.reset()))
      return fail(fmt::format("lif.reset: {}, expected 0 (SOFT) or 1 (HARD)",
                              static_cast<int>(f.reset())));
    L.hardReset = f.reset() == mb::LIF::HARD;
    int64_t T = net.steps, C = in->channels;
    if (!table(f.threshold(), "lif.threshold", T, C, &L.threshold) ||
        !table(f.leak(), "lif.leak", T, C, &L.leak) ||
        !table(f.bias(), "lif.bias", T, C, &L.lifBias) ||
        !table(f.gain(), "lif.gain", T, C, &L.gain))
      return false;
    for (size_t k = 0; k < L.threshold.size(); ++k) {
      if (!(L.threshold[k] > 0))
        return fail(fmt::format("lif.threshold: element {} is {}, expected > 0",
                                k, L.threshold[k]));
      if (!(L.leak[k] >= 0))
        return fail(fmt::format("lif.leak: element {} is {}, expected >= 0", k,
                                L.leak[k]));
      if (L.gain[k] != 0 && L.gain[k] != 1 && L.gain[k] != -1)
        return fail(fmt::format(
            "lif.gain: element {} is {}, expected -1, 0 or 1", k, L.gain[k]));
    }
    L.paramCount = 4 * T * C;
    shape = in->shape;
    L.bounded = true;
    L.lo = 0;
    L.hi = 1;
    break;
  }
  case Kind::Readout:
    if (i != m.output_layer())
      return fail(fmt::format(
          "kind: READOUT must be the output layer (output_layer = {})",
          m.output_layer()));
    shape = in->shape;
    break;
  }
  if (L.kind != Kind::Encode && L.kind != Kind::Affine && L.kind != Kind::Lif &&
      L.kind != Kind::Conv2d && L.kind != Kind::Dense &&
      L.kind != Kind::AvgPool && L.kind != Kind::MaxPool &&
      pl.params_case() != mb::Layer::PARAMS_NOT_SET)
    return fail("params: set, expected none for this kind");
  if (shape != declared)
    return fail(fmt::format(
        "shape: {} declared, expected {} (computed from the inputs)",
        dimsStr(declared), dimsStr(shape)));
  L.shape = shape;
  L.channels = shape[0];
  L.spatial = L.numel / L.channels;
  net.layers.push_back(std::move(L));
  Layer &B = net.layers.back();
  bool bin = expectedBinary(B, net.layers);
  if (pl.binary() != bin)
    return fail(fmt::format("binary: {}, expected {} for this layer",
                            pl.binary(), bin));
  B.binary = bin;
  return true;
}

bool Preparer::run() {
  net = Network();
  if (m.num_steps() < 1 || m.num_steps() > kMaxSteps)
    return fail(fmt::format("model.num_steps: {}, expected 1..{}",
                            m.num_steps(), kMaxSteps));
  net.steps = m.num_steps();
  if (m.early_exit_step() < 1 || m.early_exit_step() > m.num_steps())
    return fail(
        fmt::format("model.early_exit_step: {}, expected 1..num_steps = {}",
                    m.early_exit_step(), m.num_steps()));
  net.exitStep = m.early_exit_step();
  if (!std::isfinite(m.early_exit_threshold()))
    return fail("model.early_exit_threshold: not finite");
  net.exitThreshold = m.early_exit_threshold();
  net.producer = m.producer();
  net.sourceName = m.source_name();
  net.sourceSha256 = m.source_sha256();
  net.foldMode = m.fold_mode();
  net.inputShape = toDims(m.input_shape());
  if (!numelOf(net.inputShape, "model.input_shape", &net.inputNumel))
    return false;
  if (m.layers_size() < 2 || m.layers_size() > kMaxLayers)
    return fail(fmt::format("model.layers: {} layers, expected 2..{}",
                            m.layers_size(), kMaxLayers));
  if (m.output_layer() < 0 || m.output_layer() >= m.layers_size() ||
      m.layers(m.output_layer()).kind() != mb::Layer::READOUT)
    return fail(fmt::format(
        "model.output_layer: {}, expected the index of the READOUT layer",
        m.output_layer()));
  net.output = m.output_layer();
  std::set<std::string> names;
  int64_t total = 0;
  for (int i = 0; i < m.layers_size(); ++i) {
    if (!layer(i, m.layers(i)))
      return false;
    if (!names.insert(net.layers.back().name).second)
      return fail(
          "name: duplicate layer name, expected unique ONNX node names");
    total += net.layers.back().numel;
    if (total > kMaxTotalNumel)
      return fail(
          fmt::format("shape: activations of one sample exceed {} elements",
                      kMaxTotalNumel));
  }
  where.clear();
  if (net.layers[net.output].shape.size() != 1)
    return fail(fmt::format(
        "model.output_layer: READOUT shape has rank {}, expected rank 1 "
        "[classes]",
        net.layers[net.output].shape.size()));
  for (int i = 0; i < m.gamma_mean_size(); ++i) {
    const mb::GammaMean &g = m.gamma_mean(i);
    if (g.mean_size() != net.steps)
      return fail(
          fmt::format("model.gamma_mean[{}] '{}': {} values, expected T = {}",
                      i, g.layer(), g.mean_size(), net.steps));
    for (float v : g.mean())
      if (!std::isfinite(v))
        return fail(fmt::format("model.gamma_mean[{}] '{}': non-finite value",
                                i, g.layer()));
    net.gammaMean.emplace_back(
        g.layer(), std::vector<float>(g.mean().begin(), g.mean().end()));
  }
  return true;
}

} // namespace

bool prepareNetwork(const mb::Model &m, Network *net, std::string *error) {
  Preparer p(m, net, error);
  return p.run();
}

bool loadNetwork(const std::string &path, Network *net, std::string *error) {
  mb::Model m;
  if (!mb::readModelFile(path, &m, error))
    return false;
  if (!prepareNetwork(m, net, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

} // namespace rt
} // namespace snnc
