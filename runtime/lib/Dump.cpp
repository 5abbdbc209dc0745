//===- Dump.cpp - the readable model description of `snnc-run --dump` -----===//
//
// Prints the header, the model fields and one block per layer (kind, inputs,
// shape, parameter count, parameter geometry and the first values of each
// parameter tensor and per-step table). The compiler's lit tests FileCheck this
// text: the format is specified in docs/model-bin.md
// ("--dump format") and must stay stable. Values use the shortest round-trip
// decimal form.
//
//===----------------------------------------------------------------------===//
#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/Network.h"

#include <fmt/format.h>

#include <cstring>

namespace snnc {
namespace rt {
namespace {

namespace mb = snnc::modelbin;
constexpr int kFirst = 4;

std::string firstOf(const float *v, int64_t n) {
  std::string s = "[";
  for (int64_t k = 0; k < n && k < kFirst; ++k)
    s += fmt::format("{}{}", k ? ", " : "", v[k]);
  if (n > kFirst)
    s += ", ...";
  return s + "]";
}

std::string tensorLine(const char *name, const mb::Tensor &t) {
  if (t.shape_size() == 0)
    return fmt::format("    {}: none\n", name);
  // readFloats also gives the values of integer tensors (integer models).
  std::vector<float> v = mb::readFloats(t);
  int64_t n = static_cast<int64_t>(v.size());
  return fmt::format(
      "    {}: shape=[{}] first={}{}\n", name, fmt::join(t.shape(), ", "),
      firstOf(v.data(), n),
      t.dtype() == mb::Tensor::I8 ? fmt::format(" bits={}", t.bits()) : "");
}

std::string tableLine(const char *name, const std::vector<float> &tab,
                      int64_t rows, int64_t C) {
  std::string s = fmt::format("    {}: [{}, {}] t0={}", name, rows, C,
                              firstOf(tab.data(), C));
  if (rows > 1)
    s += fmt::format(" t{}={}", rows - 1,
                     firstOf(tab.data() + (rows - 1) * C, C));
  return s + "\n";
}

} // namespace

std::string dumpModel(const mb::Model &m, const Network &net,
                      uint64_t fileSize) {
  std::string s;
  s += "snnc-model-bin\n";
  // The version a writer gives this model (what snnc writes; dumps describe
  // the model re-serialized, as file_size does).
  s += fmt::format("  format_version: {}\n", mb::requiredFormatVersion(m));
  s += fmt::format("  file_size: {}\n", fileSize);
  s += fmt::format("  producer: \"{}\"\n", m.producer());
  s += fmt::format("  source_name: \"{}\"\n", m.source_name());
  s += fmt::format("  source_sha256: {}\n", m.source_sha256());
  s += fmt::format("  fold_mode: {}\n", m.fold_mode());
  if (net.integer)
    s += fmt::format("  quantization: {} weight_bits={} output_scale={}\n",
                     m.quantization(), m.weight_bits(), m.output_scale());
  s += fmt::format("  num_steps: {}\n", net.steps);
  s += fmt::format("  early_exit_step: {}\n", net.exitStep);
  s += fmt::format("  early_exit_threshold: {}\n", net.exitThreshold);
  s += fmt::format("  input_shape: [{}]\n", fmt::join(net.inputShape, ", "));
  s += fmt::format("  output_layer: {}\n", net.output);
  s += fmt::format("  layers: {}\n", net.layers.size());
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer &L = net.layers[i];
    const mb::Layer &pl = m.layers(static_cast<int>(i));
    s += fmt::format(
        "layer {} {} {} inputs=[{}] shape=[{}] binary={} params={}\n", i,
        kindName(L.kind), L.name, fmt::join(L.inputs, ", "),
        fmt::join(L.shape, ", "), L.binary ? 1 : 0, L.paramCount);
    switch (L.kind) {
    case Kind::Encode:
      s += fmt::format("    encoder: {} scale={} signed={}\n",
                       L.poisson ? "POISSON" : "DIRECT", L.encScale,
                       L.encSigned ? 1 : 0);
      if (!L.normMean.empty())
        s += fmt::format("    normalise: mean=[{}] std=[{}]\n",
                         fmt::join(L.normMean, ", "),
                         fmt::join(L.normStd, ", "));
      break;
    case Kind::Conv2d:
      s += fmt::format(
          "    conv: kernel=[{}, {}] strides=[{}, {}] pads=[{}, {}, {}, {}] "
          "dilations=[{}, {}] groups={}\n",
          L.kh, L.kw, L.sh, L.sw, L.padT, L.padL, L.padB, L.padR, L.dh, L.dw,
          L.groups);
      s += tensorLine("weight", pl.conv2d().weight());
      s += tensorLine("bias", pl.conv2d().bias());
      break;
    case Kind::Dense:
      s += tensorLine("weight", pl.dense().weight());
      s += tensorLine("bias", pl.dense().bias());
      break;
    case Kind::AvgPool:
    case Kind::MaxPool:
      s += fmt::format(
          "    pool: kernel=[{}, {}] strides=[{}, {}] pads=[{}, {}, {}, {}] "
          "count_include_pad={}\n",
          L.kh, L.kw, L.sh, L.sw, L.padT, L.padL, L.padB, L.padR,
          L.countIncludePad ? 1 : 0);
      break;
    case Kind::Affine:
      s += tableLine("scale", L.scale, L.rows, L.channels);
      s += tableLine("shift", L.shift, L.rows, L.channels);
      break;
    case Kind::Lif:
      s += fmt::format("    reset: {}\n", L.hardReset ? "HARD" : "SOFT");
      if (net.integer) { // docs/fixed-point.md
        auto f = [](const std::vector<int32_t> &v) {
          return std::vector<float>(v.begin(), v.end()); // exact: < 2^24
        };
        s += fmt::format("    du: {}\n", L.fx.du);
        s += tableLine("dv", f(L.fx.dv), net.steps, L.channels);
        s += tableLine("vth<<6", f(L.fx.vth64), net.steps, L.channels);
        s += tableLine("bias", f(L.fx.lifBias), net.steps, L.channels);
        s += tableLine("sign", f(L.fx.sign), net.steps, L.channels);
        s += tableLine("6+in_exp", f(L.fx.inShift), net.steps, L.channels);
        break;
      }
      s += tableLine("threshold", L.threshold, net.steps, L.channels);
      s += tableLine("leak", L.leak, net.steps, L.channels);
      s += tableLine("bias", L.lifBias, net.steps, L.channels);
      s += tableLine("gain", L.gain, net.steps, L.channels);
      break;
    default:
      break;
    }
  }
  for (const auto &g : net.gammaMean)
    s += fmt::format("gamma_mean {} t0={} t{}={}\n", g.first, g.second.front(),
                     net.steps - 1, g.second.back());
  for (const mb::GammaHistogram &h : m.gamma_histogram())
    s += fmt::format("gamma_histogram {} bins={} range=[{}, {}]\n", h.layer(),
                     h.bins(), h.lo(), h.hi());
  return s;
}

} // namespace rt
} // namespace snnc
