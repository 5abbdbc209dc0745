//===- EarlyExit.cpp - static early-exit step from BNTT gammas ------------===//
//
// Kim & Panda (2021) observe that each BNTT layer's mean gamma_t rises and
// falls over time; once every layer's mean stays below a threshold, later
// steps carry no information. Since gamma is a trained constant, the step
// after which that holds is known before any input: this pass computes it,
// records the mean-gamma table and a gamma histogram per layer and step for
// reports (paper Figs. 4 and 6), and sets `early_exit_step`.
//
//===----------------------------------------------------------------------===//

#include "snnc/modelbin/EarlyExit.h"
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

/// Bins of the recorded gamma histograms: enough to show the rise and fall
/// of the distribution (Fig. 6) in a few hundred numbers per layer.
constexpr int64_t kHistogramBins = 20;

struct LayerGamma {
  std::string name;
  SmallVector<float> mean; // [T]
};

int64_t computeExitStep(ArrayRef<LayerGamma> layers, int64_t steps,
                        double threshold) {
  return modelbin::earlyExitStep(
      layers.size(), steps, threshold,
      [&](size_t l, int64_t t) { return layers[l].mean[t]; });
}

/// Channels per bin at every step ([T, kHistogramBins]) over the range of
/// all of the layer's gammas.
GammaHistogramAttr histogramOf(MLIRContext *context, StringRef name,
                               ArrayRef<float> gamma, int64_t steps) {
  auto [lo, hi] = std::minmax_element(gamma.begin(), gamma.end());
  float low = *lo, high = *hi;
  int64_t channels = int64_t(gamma.size()) / steps;
  SmallVector<int64_t> counts(steps * kHistogramBins, 0);
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t c = 0; c < channels; ++c) {
      double position = high > low ? (double(gamma[t * channels + c]) - low) /
                                         (double(high) - low) * kHistogramBins
                                   : 0.0;
      int64_t bin =
          std::min<int64_t>(kHistogramBins - 1, static_cast<int64_t>(position));
      ++counts[t * kHistogramBins + bin];
    }
  return GammaHistogramAttr::get(context, StringAttr::get(context, name),
                                 DenseF32ArrayAttr::get(context, {low, high}),
                                 DenseI64ArrayAttr::get(context, counts));
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
    SmallVector<Attribute> histograms;
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
      histograms.push_back(histogramOf(network.getContext(), layer.name,
                                       gamma->values(), steps));
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
    // Already folded: the recorded histograms stay as they are.
    if (!histograms.empty() || !network.getGammaHistogramAttr())
      network.setGammaHistogramAttr(b.getArrayAttr(histograms));
    network.setEarlyExitThresholdAttr(b.getF64FloatAttr(threshold));
    if (apply)
      network.setEarlyExitStepAttr(b.getI64IntegerAttr(exit));
    if (report)
      network.emitRemark(formatTable(layers, steps, exit, threshold));
  }
};

} // namespace
