//===- EarlyExit.cpp - static early-exit step from BNTT gammas ------------===//
//
// Kim & Panda (2021) observe that each BNTT layer's mean gamma_t rises and
// falls over time; once every layer's mean stays below a threshold, later
// steps carry no information. Since gamma is a trained constant, the step
// after which that holds is known before any input: this pass computes it,
// records the mean-gamma table for reports, and sets `early_exit_step`.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc {
#define GEN_PASS_DEF_SNNEARLYEXIT
#include "snnc/Transforms/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::snn;

namespace {

struct LayerGamma {
  std::string name;
  SmallVector<float> mean; // [T]
};

/// The smallest t such that every layer's mean is below `threshold` at every
/// step t' >= t; num_steps when never; at least 1.
int64_t computeExitStep(ArrayRef<LayerGamma> layers, int64_t steps,
                        double threshold) {
  if (layers.empty())
    return steps;
  int64_t exit = steps;
  for (int64_t t = steps - 1; t >= 0; --t) {
    bool quiet = llvm::all_of(
        layers, [&](const LayerGamma &l) { return l.mean[t] < threshold; });
    if (!quiet)
      break;
    exit = t;
  }
  return std::max<int64_t>(exit, 1);
}

std::string formatTable(ArrayRef<LayerGamma> layers, int64_t steps,
                        int64_t exit, double threshold) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "mean gamma per layer and step (threshold "
     << llvm::format("%g", threshold) << ", early-exit step " << exit << " of "
     << steps << ")\n";
  size_t width = 5;
  for (const LayerGamma &layer : layers)
    width = std::max(width, layer.name.size());
  os << llvm::left_justify("step", width);
  for (int64_t t = 0; t < steps; ++t)
    os << llvm::format(" %6lld", static_cast<long long>(t));
  os << "\n";
  for (const LayerGamma &layer : layers) {
    os << llvm::left_justify(layer.name, width);
    for (float value : layer.mean)
      os << llvm::format(" %6.3f", value);
    os << "\n";
  }
  return text;
}

struct EarlyExitPass : public snnc::impl::SNNEarlyExitBase<EarlyExitPass> {
  using SNNEarlyExitBase::SNNEarlyExitBase;

  void runOnOperation() override {
    NetworkOp network = getOperation();
    int64_t steps = network.getNumSteps();
    SmallVector<LayerGamma> layers;
    WalkResult walk = network.walk([&](BNTTOp bntt) {
      FailureOr<F32Values> gamma = F32Values::get(bntt.getGamma());
      if (failed(gamma)) {
        bntt.emitOpError("gamma has no readable f32 data");
        return WalkResult::interrupt();
      }
      int64_t channels = gamma->size() / steps;
      LayerGamma layer{getLayerName(bntt), {}};
      for (int64_t t = 0; t < steps; ++t) {
        double sum = 0.0;
        for (int64_t c = 0; c < channels; ++c)
          sum += (*gamma)[t * channels + c];
        layer.mean.push_back(static_cast<float>(sum / channels));
      }
      layers.push_back(std::move(layer));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    // Already folded: the recorded table is all that is left of gamma.
    if (layers.empty())
      if (ArrayAttr recorded = network.getGammaMeanAttr())
        for (LayerGammaAttr entry : recorded.getAsRange<LayerGammaAttr>())
          layers.push_back({entry.getLayer().str(),
                            llvm::to_vector(entry.getMean().asArrayRef())});
    llvm::StringSet<> seen;
    for (const LayerGamma &layer : layers)
      if (!seen.insert(layer.name).second) {
        network.emitOpError("two BNTT layers are named '")
            << layer.name << "'; layer names must be unique";
        return signalPassFailure();
      }

    int64_t exit = computeExitStep(layers, steps, threshold);
    Builder b(network.getContext());
    SmallVector<Attribute> table;
    for (const LayerGamma &layer : layers)
      table.push_back(LayerGammaAttr::get(b.getContext(),
                                          b.getStringAttr(layer.name),
                                          b.getDenseF32ArrayAttr(layer.mean)));
    network.setGammaMeanAttr(b.getArrayAttr(table));
    network.setEarlyExitThresholdAttr(b.getF64FloatAttr(threshold));
    if (apply)
      network.setEarlyExitStepAttr(b.getI64IntegerAttr(exit));
    if (report)
      network.emitRemark(formatTable(layers, steps, exit, threshold));
  }
};

} // namespace
