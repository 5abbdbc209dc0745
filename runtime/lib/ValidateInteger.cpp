//===- ValidateInteger.cpp - rules of integer (Loihi) models --------------===//
//
// The model.bin rules of integer models (Model.quantization = "loihi", format
// version 5, docs/fixed-point.md and docs/model-bin.md): which layer kinds may
// appear, the integer tensors' dtypes, shapes and value ranges, and the bound
// on every synaptic accumulator that makes int32 arithmetic exact (so the
// executor's results cannot depend on summation order, threads or ISA). A
// float model that sets any integer field is rejected too, so nothing is
// silently ignored.
//
//===----------------------------------------------------------------------===//
#include "Validator.h"

#include <cmath>
#include <cstring>

namespace snnc {
namespace modelbin {

std::vector<int64_t> readInts(const Tensor &t) {
  size_t width = t.dtype() == Tensor::I8    ? 1
                 : t.dtype() == Tensor::I16 ? 2
                 : t.dtype() == Tensor::I32 ? 4
                                            : 0;
  if (width == 0)
    return {};
  std::vector<int64_t> out(t.data().size() / width);
  const auto *p = reinterpret_cast<const unsigned char *>(t.data().data());
  for (size_t k = 0; k < out.size(); ++k) {
    uint32_t u = 0;
    for (size_t b = 0; b < width; ++b)
      u |= uint32_t(p[k * width + b]) << (8 * b);
    // Sign-extend from `width` bytes.
    int shiftBits = 32 - 8 * static_cast<int>(width);
    out[k] = static_cast<int32_t>(u << shiftBits) >> shiftBits;
  }
  return out;
}

namespace detail {
namespace {

constexpr int64_t kMaxAcc = (int64_t(1) << 31) - 1;
const char *dtypeName(Tensor::DType d) {
  switch (d) {
  case Tensor::I8:
    return "I8 (1)";
  case Tensor::I16:
    return "I16 (2)";
  case Tensor::I32:
    return "I32 (3)";
  default:
    return "F32 (0)";
  }
}

} // namespace

bool Validator::integerModel() {
  const std::string &q = m.quantization();
  integer = q == "loihi";
  if (!integer && !q.empty())
    return fail(fmt::format("model.quantization: \"{}\", expected \"loihi\" or "
                            "empty (a float model)",
                            q.substr(0, 64)));
  if (!integer) {
    if (m.weight_bits() != 0 || m.output_scale() != 0 ||
        m.quant_report_size() != 0)
      return fail("model.weight_bits/output_scale/quant_report: set in a float "
                  "model (quantization is empty)");
    return true;
  }
  if (m.weight_bits() < 1 || m.weight_bits() > 8)
    return fail(
        fmt::format("model.weight_bits: {}, expected 1..8", m.weight_bits()));
  if (!(std::isfinite(m.output_scale()) && m.output_scale() > 0))
    return fail(fmt::format("model.output_scale: {}, expected a finite value "
                            "> 0",
                            m.output_scale()));
  for (const QuantReport &r : m.quant_report())
    for (float v : {r.alpha(), r.max_weight_error(), r.max_weight(),
                    r.max_threshold_rounding(), r.max_leak_rounding()})
      if (!std::isfinite(v))
        return fail(fmt::format("model.quant_report '{}': a value is not "
                                "finite",
                                r.layer().substr(0, 64)));
  return true;
}

bool Validator::intTensor(const Tensor &t, const char *field,
                          const Dims &expect, Tensor::DType dtype, int64_t lo,
                          int64_t hi, std::vector<int64_t> *values) {
  Dims got = toDims(t.shape());
  if (got != expect)
    return fail(fmt::format("{}: shape {}, expected {}", field, dimsStr(got),
                            dimsStr(expect)));
  if (t.dtype() != dtype)
    return fail(fmt::format("{}: dtype {}, expected {} in an integer model",
                            field, static_cast<int>(t.dtype()),
                            dtypeName(dtype)));
  int64_t n;
  if (!numelOf(got, field, &n))
    return false;
  int64_t width = dtype == Tensor::I8 ? 1 : dtype == Tensor::I16 ? 2 : 4;
  if (static_cast<int64_t>(t.data().size()) != n * width)
    return fail(fmt::format("{}: data holds {} bytes, expected {} ({} values "
                            "of {} bytes)",
                            field, t.data().size(), n * width, n, width));
  *values = readInts(t);
  for (size_t k = 0; k < values->size(); ++k)
    if ((*values)[k] < lo || (*values)[k] > hi)
      return fail(fmt::format("{}: element {} is {}, expected {}..{}", field, k,
                              (*values)[k], lo, hi));
  return true;
}

bool Validator::intWeights(const Tensor &w, const Tensor &bias, int32_t exp,
                           const char *what, const Dims &ws, int64_t fanIn,
                           const LayerInfo &in) {
  std::string field = std::string(what) + ".weight";
  int bits = m.weight_bits();
  if (w.bits() != bits)
    return fail(fmt::format("{}.bits: {}, expected model.weight_bits = {}",
                            field, w.bits(), bits));
  int64_t q = bits == 1 ? 1 : (int64_t(1) << (bits - 1)) - 1;
  std::vector<int64_t> v;
  if (!intTensor(w, field.c_str(), ws, Tensor::I8, -q, q, &v))
    return false;
  if (bits == 1)
    for (size_t k = 0; k < v.size(); ++k)
      if (v[k] == 0)
        return fail(fmt::format("{}: element {} is 0, expected -1 or 1 (1-bit "
                                "weights are signs)",
                                field, k));
  if (exp < -8 || exp > 7)
    return fail(fmt::format("{}.weight_exp: {}, expected -8..7", what, exp));
  std::vector<int64_t> b;
  std::string bf = std::string(what) + ".bias";
  if ((bias.shape_size() || !bias.data().empty()) &&
      !intTensor(bias, bf.c_str(), Dims{ws[0]}, Tensor::I32, -kMaxAcc, kMaxAcc,
                 &b))
    return false;
  int64_t maxW = 0, maxB = 0;
  for (int64_t x : v)
    maxW = std::max(maxW, std::abs(x));
  for (int64_t x : b)
    maxB = std::max(maxB, std::abs(x));
  // fan-in * max|m| * max|x| * 2^max(e, 0) + max|bias| < 2^31, in doubles
  // (exact far beyond 2^31) so that a hostile bound cannot overflow here.
  double acc = double(fanIn) * double(maxW) * double(in.bound) *
                   std::ldexp(1.0, std::max(exp, 0)) +
               double(maxB);
  if (acc > double(kMaxAcc))
    return fail(fmt::format(
        "{}: accumulator bound {} (fan-in {} x max |weight| {} x max |input| "
        "{} x 2^{} + max |bias| {}) exceeds 2^31 - 1: int32 would overflow",
        what, acc, fanIn, maxW, in.bound, std::max(exp, 0), maxB));
  synBound = static_cast<int64_t>(acc);
  return true;
}

bool Validator::floatLifHasIntegerFields(const LIF &f) {
  if (f.du() != 0 || f.has_dv() || f.has_vth() || f.has_bias_mant() ||
      f.has_bias_exp() || f.has_sign() || f.has_in_exp() || f.unit() != 0)
    return !fail("lif: integer fields (du, dv, vth, bias_mant, bias_exp, "
                 "sign, in_exp, unit) set in a float model");
  return false;
}

bool Validator::intLif(const Layer &pl, const LayerInfo &in) {
  const LIF &f = pl.lif();
  if (f.reset() != LIF::SOFT && f.reset() != LIF::HARD &&
      f.reset() != LIF::NONE)
    return fail(fmt::format("lif.reset: {}, expected 0 (SOFT), 1 (HARD) or 3 "
                            "(NONE) in an integer model",
                            static_cast<int>(f.reset())));
  if (f.reset_value() != 0)
    return fail("lif.reset_value: set, an integer model resets to 0");
  if (f.has_threshold() || f.has_leak() || f.has_bias() || f.has_gain())
    return fail("lif.threshold/leak/bias/gain: float tables in an integer "
                "model, expected dv, vth, bias_mant, bias_exp and sign");
  if (f.du() < 0 || f.du() > 4096)
    return fail(fmt::format("lif.du: {}, expected 0..4096", f.du()));
  if (!(std::isfinite(f.unit()) && f.unit() >= 0))
    return fail(
        fmt::format("lif.unit: {}, expected a finite value >= 0", f.unit()));
  Dims table{m.num_steps(), in.shape[0]};
  std::vector<int64_t> v;
  return intTensor(f.dv(), "lif.dv", table, Tensor::I16, -4096, 4096, &v) &&
         intTensor(f.vth(), "lif.vth", table, Tensor::I32, 0, 131071, &v) &&
         intTensor(f.bias_mant(), "lif.bias_mant", table, Tensor::I16, -4096,
                   4095, &v) &&
         intTensor(f.bias_exp(), "lif.bias_exp", table, Tensor::I16, 0, 7,
                   &v) &&
         intTensor(f.sign(), "lif.sign", table, Tensor::I16, -1, 1, &v) &&
         intTensor(f.in_exp(), "lif.in_exp", table, Tensor::I16, -24, 8, &v);
}

bool Validator::integerLayer(const Layer &pl, LayerInfo &L) {
  const LayerInfo *in = pl.inputs_size() ? &layers[pl.inputs(0)] : nullptr;
  switch (pl.kind()) {
  case Layer::ENCODE:
    if (pl.encoder().kind() != Encoder::POISSON)
      return fail("encoder.kind: an integer model needs a POISSON encoder "
                  "(spikes are its only integer input)");
    L.bound = 1;
    return true;
  case Layer::CONV2D:
  case Layer::DENSE:
    L.bound = synBound;
    return true;
  case Layer::AVG_POOL2D:
    // The window sum (docs/fixed-point.md).
    L.bound = in->bound * pl.pool().kernel(0) * pl.pool().kernel(1);
    return true;
  case Layer::MAX_POOL2D:
  case Layer::FLATTEN:
    L.bound = in->bound;
    return true;
  case Layer::LIF:
    L.bound = 1;
    return true;
  case Layer::READOUT:
    if (pl.params_case() != Layer::PARAMS_NOT_SET)
      return fail("params: an integer model's READOUT has no parameters");
    return true;
  default:
    return fail("kind: not supported in an integer model (docs/fixed-point.md "
                "lists the kinds)");
  }
}

} // namespace detail
} // namespace modelbin
} // namespace snnc
