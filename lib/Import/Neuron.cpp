//===- Neuron.cpp - per-channel parameters and the snn neuron ops ---------===//
//
// The reduction of scalar, per-channel and per-neuron parameters to one value
// per channel, and the construction of snn.lif and the membrane snn.readout
// from a Neuron (Neuron.h), for the ONNX and NIR importers alike.
//
//===----------------------------------------------------------------------===//

#include "Neuron.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNDialect.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace snnc::snn;

namespace snnc::import {

std::optional<std::string> perChannelValues(ArrayRef<double> v,
                                            ArrayRef<int64_t> shape,
                                            ArrayRef<int64_t> layer,
                                            SmallVectorImpl<double> &out) {
  int64_t C = layer.empty() ? 1 : layer[0], numel = 1;
  for (int64_t d : layer)
    numel *= d;
  out.clear();
  if (v.size() == 1) {
    out.assign(C, v[0]);
    return std::nullopt;
  }
  if (static_cast<int64_t>(v.size()) == C && shape.size() <= 1) {
    out.assign(v.begin(), v.end());
    return std::nullopt;
  }
  if (static_cast<int64_t>(v.size()) != numel)
    return "shape " + formatShape(shape) + " fits neither a scalar, the " +
           std::to_string(C) + " channels nor the layer " + formatShape(layer);
  int64_t S = numel / C;
  for (int64_t c = 0; c < C; ++c) {
    out.push_back(v[c * S]);
    for (int64_t s = 1; s < S; ++s)
      if (v[c * S + s] != out[c])
        return "values differ within channel " + std::to_string(c) +
               "; snnc's neuron parameters are per channel";
  }
  return std::nullopt;
}

static std::optional<float> uniform(ArrayRef<float> v) {
  return llvm::all_equal(v) ? std::optional<float>(v.front()) : std::nullopt;
}

static DenseF32ArrayAttr synapse(OpBuilder &b, ArrayRef<float> values) {
  return values.empty() ? DenseF32ArrayAttr() : b.getDenseF32ArrayAttr(values);
}

LIFOp buildLIF(OpBuilder &b, Location loc, Value x, const Neuron &n,
               int64_t numSteps, StringRef name) {
  auto type = cast<ShapedType>(x.getType());
  int64_t T = numSteps, C = type.getRank() ? type.getDimSize(0) : 1;
  // A per-step table as given, or the per-channel values repeated T times.
  auto table = [&](ArrayRef<float> perChannel, ArrayRef<float> steps,
                   StringRef what) {
    SmallVector<float> rows(steps.begin(), steps.end());
    for (int64_t t = 0; steps.empty() && t < T; ++t)
      rows.append(perChannel.begin(), perChannel.end());
    return makeF32Attr(b.getContext(), {T, C}, rows, (name + "_" + what).str());
  };
  auto uniformUnless = [](ArrayRef<float> v, ArrayRef<float> steps) {
    return steps.empty() ? uniform(v) : std::nullopt;
  };
  std::optional<float> leak = uniformUnless(n.leak, n.leakSteps);
  std::optional<float> thr = uniformUnless(n.threshold, n.thresholdSteps);
  std::optional<float> gain = uniformUnless(n.gain, n.gainSteps);
  std::optional<float> bias = uniformUnless(n.bias, n.biasSteps);
  auto spikes = RankedTensorType::get(type.getShape(),
                                      SpikeType::get(b.getContext(), false));
  return b.create<LIFOp>(
      loc, spikes, x, b.getF32FloatAttr(leak.value_or(1.0f)),
      b.getF32FloatAttr(thr.value_or(1.0f)),
      ResetModeAttr::get(b.getContext(), n.reset),
      thr ? ElementsAttr() : table(n.threshold, n.thresholdSteps, "threshold"),
      leak ? ElementsAttr() : table(n.leak, n.leakSteps, "leak"),
      bias == 0.0f ? ElementsAttr() : table(n.bias, n.biasSteps, "bias"),
      gain == 1.0f ? ElementsAttr() : table(n.gain, n.gainSteps, "gain"),
      n.resetValue != 0.0f ? b.getF32FloatAttr(n.resetValue) : FloatAttr(),
      synapse(b, n.synLeak), synapse(b, n.synGain));
}

ReadoutOp buildMembraneReadout(OpBuilder &b, Location loc, Value x,
                               const Neuron &n) {
  auto type = cast<ShapedType>(x.getType());
  return b.create<ReadoutOp>(
      loc, RankedTensorType::get(type.getShape(), b.getF32Type()), x,
      b.getUnitAttr(), b.getDenseF32ArrayAttr(n.leak),
      b.getDenseF32ArrayAttr(n.gain), b.getDenseF32ArrayAttr(n.bias),
      synapse(b, n.synLeak), synapse(b, n.synGain));
}

} // namespace snnc::import
