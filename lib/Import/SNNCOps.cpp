//===- SNNCOps.cpp - the ai.snnc ops of profiles v1 and v2 ----------------===//
//
// PoissonEncode, DirectEncode, BNTT, LIF and Readout: the custom domain that
// carries what ONNX cannot say about a spiking network. Each is checked for
// the profile's attribute rules and mapped one-to-one to its snn op; v2's
// general neuron (per-channel leak/threshold, reset modes, v_reset, CUBA,
// the membrane readout) goes through Neuron.h, as NIR's neurons do.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "Neuron.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace snnc::snn;

namespace snnc::import {
namespace {

ShapedType typeOf(Value value) { return cast<ShapedType>(value.getType()); }

/// Encoders read the graph input itself (the analog sample).
FailureOr<Value> analogInput(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  if (failed(x))
    return failure();
  auto encoded = x->getDefiningOp<DirectEncodeOp>();
  if (!encoded || !isa<BlockArgument>(encoded.getInput()))
    return g.error() << "must read the graph input";
  return encoded.getInput();
}

/// The optional per-channel normalisation (attributes mean, std) of an
/// encoder; the op's verifier checks the values.
LogicalResult normalisation(GraphImporter &g, DenseF32ArrayAttr *mean,
                            DenseF32ArrayAttr *std) {
  auto m = g.floatsAttr("mean", SmallVector<float>());
  auto s = g.floatsAttr("std", SmallVector<float>());
  if (failed(m) || failed(s))
    return failure();
  if (m->empty() != s->empty())
    return g.error() << "attributes 'mean' and 'std' must be given together";
  if (!m->empty()) {
    *mean = g.builder().getDenseF32ArrayAttr(*m);
    *std = g.builder().getDenseF32ArrayAttr(*s);
  }
  return success();
}

LogicalResult importPoissonEncode(GraphImporter &g) {
  FailureOr<Value> x = analogInput(g);
  auto scale = g.floatAttr("scale", 1.0f);
  auto isSigned = g.intAttr("signed", 1);
  DenseF32ArrayAttr mean, std;
  if (failed(x) || failed(scale) || failed(isSigned) ||
      failed(normalisation(g, &mean, &std)))
    return failure();
  if (*isSigned != 0 && *isSigned != 1)
    return g.error() << "attribute 'signed' must be 0 or 1, got " << *isSigned;
  OpBuilder &b = g.builder();
  auto type = RankedTensorType::get(typeOf(*x).getShape(),
                                    SpikeType::get(g.context(), *isSigned));
  return g.finish(b.create<PoissonEncodeOp>(
      g.loc(), type, *x, b.getF32FloatAttr(*scale),
      *isSigned ? b.getUnitAttr() : UnitAttr(), mean, std));
}

LogicalResult importDirectEncode(GraphImporter &g) {
  FailureOr<Value> x = analogInput(g);
  DenseF32ArrayAttr mean, std;
  if (failed(x) || failed(normalisation(g, &mean, &std)))
    return failure();
  return g.finish(g.builder().create<DirectEncodeOp>(g.loc(), x->getType(), *x,
                                                     UnitAttr(), mean, std));
}

LogicalResult importBNTT(GraphImporter &g) {
  if (failed(g.expectArity(4, 5, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  auto epsilon = g.floatAttr("epsilon", 1e-4f);
  if (failed(x) || failed(epsilon))
    return failure();
  if (typeOf(*x).getRank() < 1)
    return g.error() << "input has no channel dimension";
  int64_t table[] = {g.numSteps(), typeOf(*x).getDimSize(0)};
  SmallVector<ElementsAttr, 4> params;
  const char *names[] = {"scale", "mean", "var", "bias"};
  int count = g.hasInput(4) ? 4 : 3;
  for (int i = 1; i <= count; ++i) {
    if (!g.isConstant(i))
      return g.error() << names[i - 1] << " (input " << i
                       << ") must be an initializer of shape [T, C]";
    FailureOr<const Constant *> c = g.constant(i);
    if (failed(c))
      return failure();
    if (ArrayRef<int64_t>((*c)->dims) != ArrayRef<int64_t>(table)) {
      InFlightDiagnostic diag =
          g.error() << names[i - 1] << " '" << (*c)->name
                    << "' must have shape [T, C] = [" << table[0] << ", "
                    << table[1]
                    << "] (T = snnc.num_steps, C = input channels), got [";
      llvm::interleaveComma((*c)->dims, diag);
      return diag << "]";
    }
    params.push_back(g.initializerAttr(**c, names[i - 1]));
  }
  OpBuilder &b = g.builder();
  return g.finish(b.create<BNTTOp>(
      g.loc(), RankedTensorType::get(typeOf(*x).getShape(), b.getF32Type()), *x,
      params[0], params[1], params[2], b.getF32FloatAttr(*epsilon),
      count == 4 ? params[3] : ElementsAttr()));
}

/// Profile-2 attributes (and attribute forms) in a v1 file: an error naming
/// the attribute.
InFlightDiagnostic v2Only(GraphImporter &g, StringRef what) {
  return g.error() << what
                   << " is profile version 2, but the file declares "
                      "snnc.profile \"1\" (declare snnc.profile = \"2\" and "
                      "ai.snnc version 2, docs/onnx-profile.md)";
}

LogicalResult rejectV2Attrs(GraphImporter &g, ArrayRef<const char *> names) {
  if (g.profile() >= 2)
    return success();
  for (const char *name : names)
    if (g.hasAttr(name))
      return v2Only(g, "attribute '" + std::string(name) + "'");
  return success();
}

/// A neuron parameter, one value per channel (dim 0 of `layer`): a float in
/// v1; in v2 a float, floats or a float tensor of shape [], [C] or the
/// layer's shape (equal within each channel). `range` checks every value
/// (v2; v1 leaves the scalar to the op's verifier).
FailureOr<SmallVector<float>> channelParam(GraphImporter &g, StringRef name,
                                           ArrayRef<int64_t> layer,
                                           std::optional<float> fallback,
                                           float lo, float hi, bool openLo) {
  int64_t C = layer.empty() ? 1 : layer[0];
  if (g.profile() < 2) {
    FailureOr<std::optional<GraphImporter::Values>> v = g.valuesAttr(name);
    if (succeeded(v) && *v && !(*v)->shape.empty())
      return v2Only(g, "a tensor-valued attribute '" + name.str() + "'");
    FailureOr<float> f = g.floatAttr(name, fallback);
    if (failed(f))
      return failure();
    return SmallVector<float>(C, *f);
  }
  FailureOr<std::optional<GraphImporter::Values>> v = g.valuesAttr(name);
  if (failed(v))
    return failure();
  if (!*v) {
    if (!fallback)
      return g.error() << "required attribute '" << name << "' is missing";
    return SmallVector<float>(C, *fallback);
  }
  SmallVector<double> out;
  if (std::optional<std::string> broken =
          perChannelValues((*v)->values, (*v)->shape, layer, out))
    return g.error() << "attribute '" << name << "': " << *broken;
  SmallVector<float> values(out.begin(), out.end());
  for (size_t c = 0; c < values.size(); ++c) {
    if (values[c] <= hi && values[c] >= lo && !(openLo && values[c] == lo))
      continue;
    InFlightDiagnostic diag = g.error()
                              << "attribute '" << name << "': channel " << c
                              << " is " << formatNumber(values[c]);
    if (hi == std::numeric_limits<float>::max())
      return diag << ", expected " << (openLo ? "> " : ">= ")
                  << formatNumber(lo);
    return diag << ", expected in [" << formatNumber(lo) << ", "
                << formatNumber(hi) << "]";
  }
  return values;
}

/// The reset mode: v1 "soft"/"hard"; v2 also "subtract" (= soft),
/// "subtract-delayed", "zero" (= hard, to v_reset) and "none".
FailureOr<ResetMode> resetMode(GraphImporter &g) {
  FailureOr<std::string> reset = g.stringAttr("reset", std::string("soft"));
  if (failed(reset))
    return failure();
  static const std::pair<const char *, ResetMode> kModes[] = {
      {"soft", ResetMode::Soft},
      {"hard", ResetMode::Hard},
      {"subtract", ResetMode::Soft},
      {"subtract-delayed", ResetMode::SubtractDelayed},
      {"zero", ResetMode::Hard},
      {"none", ResetMode::None}};
  for (const auto &[name, mode] : kModes) {
    if (*reset != name)
      continue;
    if (g.profile() < 2 && mode != ResetMode::Soft && *reset != "hard")
      return v2Only(g, "reset mode '" + *reset + "'");
    return mode;
  }
  if (g.profile() < 2)
    return g.error() << "unknown reset mode '" << *reset
                     << "' (expected \"soft\" or \"hard\")";
  return g.error() << "unknown reset mode '" << *reset
                   << "' (expected \"subtract\", \"subtract-delayed\", "
                      "\"zero\", \"none\", or v1's \"soft\", \"hard\")";
}

/// The CUBA synapse (v2): syn_leak in [0, 1] and syn_gain (default 1), both
/// per channel; syn_gain alone is an error.
LogicalResult synapseParams(GraphImporter &g, ArrayRef<int64_t> layer,
                            Neuron &n) {
  if (!g.hasAttr("syn_leak")) {
    if (g.hasAttr("syn_gain"))
      return g.error() << "attribute 'syn_gain' needs 'syn_leak' (a CUBA "
                          "synapse has both)";
    return success();
  }
  float inf = std::numeric_limits<float>::max();
  FailureOr<SmallVector<float>> leak =
      channelParam(g, "syn_leak", layer, std::nullopt, 0.0f, 1.0f, false);
  FailureOr<SmallVector<float>> gain =
      failed(leak) ? leak
                   : channelParam(g, "syn_gain", layer, 1.0f, -inf, inf, false);
  if (failed(gain))
    return failure();
  n.synLeak = *leak;
  n.synGain = *gain;
  return success();
}

LogicalResult importLIF(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)) ||
      failed(rejectV2Attrs(g, {"v_reset", "syn_leak", "syn_gain"})))
    return failure();
  FailureOr<Value> x = g.activation(0);
  if (failed(x))
    return failure();
  if (!typeOf(*x).getElementType().isF32())
    return g.error() << "input must be a graded synaptic current, not a "
                        "spike train (put a Conv/Gemm before the LIF)";
  ArrayRef<int64_t> layer = typeOf(*x).getShape();
  float inf = std::numeric_limits<float>::max();
  Neuron n;
  auto leak = channelParam(g, "leak", layer, std::nullopt, 0.0f, 1.0f, false);
  auto threshold =
      failed(leak) ? leak
                   : channelParam(g, "threshold", layer, 1.0f, 0.0f, inf, true);
  FailureOr<ResetMode> mode =
      failed(threshold) ? FailureOr<ResetMode>() : resetMode(g);
  FailureOr<float> resetValue =
      failed(mode) ? FailureOr<float>() : g.floatAttr("v_reset", 0.0f);
  if (failed(resetValue) || failed(synapseParams(g, layer, n)))
    return failure();
  if (g.hasAttr("v_reset") && *mode != ResetMode::Hard)
    return g.error() << "attribute 'v_reset' needs reset \"zero\" (the "
                        "membrane is set to v_reset where a neuron fires)";
  if (!std::isfinite(*resetValue))
    return g.error() << "attribute 'v_reset' is not finite";
  n.leak = *leak;
  n.threshold = *threshold;
  n.gain.assign(n.leak.size(), 1.0f);
  n.bias.assign(n.leak.size(), 0.0f);
  n.reset = *mode;
  n.resetValue = *resetValue;
  return g.finish(
      buildLIF(g.builder(), g.loc(), *x, n, g.numSteps(), g.nodeName()));
}

/// v1: the mean over executed steps. v2 mode "membrane": a leaky integrator
/// (NIR's LI/I), acc = leak acc + x (or the CUBA synapse's current), read
/// after the last executed step.
LogicalResult importReadout(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)) ||
      failed(rejectV2Attrs(g, {"mode", "leak", "syn_leak", "syn_gain"})))
    return failure();
  FailureOr<Value> x = g.activation(0);
  FailureOr<std::string> mode = g.stringAttr("mode", std::string("mean"));
  if (failed(x) || failed(mode))
    return failure();
  OpBuilder &b = g.builder();
  if (*mode == "mean") {
    for (const char *name : {"leak", "syn_leak", "syn_gain"})
      if (g.hasAttr(name))
        return g.error() << "attribute '" << name
                         << "' needs mode \"membrane\"";
    return g.finish(b.create<ReadoutOp>(
        g.loc(), RankedTensorType::get(typeOf(*x).getShape(), b.getF32Type()),
        *x, UnitAttr(), nullptr, nullptr, nullptr, nullptr, nullptr));
  }
  if (*mode != "membrane")
    return g.error() << "unknown readout mode '" << *mode
                     << "' (expected \"mean\" or \"membrane\")";
  ArrayRef<int64_t> layer = typeOf(*x).getShape();
  Neuron n;
  auto leak = channelParam(g, "leak", layer, 1.0f, 0.0f, 1.0f, false);
  if (failed(leak) || failed(synapseParams(g, layer, n)))
    return failure();
  n.leak = *leak;
  n.gain.assign(n.leak.size(), 1.0f);
  n.bias.assign(n.leak.size(), 0.0f);
  return g.finish(buildMembraneReadout(b, g.loc(), *x, n));
}

const OpEntry kSNNCOps[] = {
    {kSNNCDomain,
     "PoissonEncode",
     1,
     2,
     importPoissonEncode,
     {"scale", "signed", "mean", "std"}},
    {kSNNCDomain, "DirectEncode", 1, 2, importDirectEncode, {"mean", "std"}},
    {kSNNCDomain, "BNTT", 1, 2, importBNTT, {"epsilon"}},
    {kSNNCDomain,
     "LIF",
     1,
     2,
     importLIF,
     {"leak", "threshold", "reset", "v_reset", "syn_leak", "syn_gain"}},
    {kSNNCDomain,
     "Readout",
     1,
     2,
     importReadout,
     {"mode", "leak", "syn_leak", "syn_gain"}},
};

} // namespace

ArrayRef<OpEntry> snncOpTable() { return kSNNCOps; }

} // namespace snnc::import
