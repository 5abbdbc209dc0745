//===- FoldBNTT.cpp - fold batch norm through time into LIF neurons -------===//
//
// BNTT at step t scales its input by k_t = gamma_t / sqrt(var_t + eps) after
// subtracting mean_t. Feeding a LIF, that is the same as a LIF without BNTT
// whose state is measured in units of |k_t|: per-step threshold theta/|k_t|,
// leak ratio leak*|k_{t-1}|/|k_t|, bias -sign(k_t)*mean_t + beta_t/|k_t| (the
// optional beta folds like the mean) and input gain sign(k_t) (docs/folding.md
// derives it, including gamma <= 0). The `paper` mode keeps only the
// threshold (eq. 15) and warns with the largest bias it neglects.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cfloat>
#include <cmath>

namespace snnc {
#define GEN_PASS_DEF_SNNFOLDBNTT
#include "snnc/Transforms/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::snn;

namespace {

/// Scales below this make theta/|k| leave float range: treated as gamma = 0.
constexpr double kMinScaleFactor = 1e-30;
/// Written as the threshold of a step that can never fire (paper mode).
constexpr float kNeverFires = FLT_MAX;

struct FoldTables {
  SmallVector<float> threshold, leak, bias, gain; // [T, C]
};

struct StepChannel {
  int64_t step, channel;
  double gamma;
};

class BNTTFolder {
public:
  BNTTFolder(BNTTOp bntt, LIFOp lif, FoldMode mode)
      : bntt(bntt), lif(lif), mode(mode) {}

  /// Computes the tables; fails (with an error) only on values that leave
  /// float range, which a finite, verified model cannot otherwise produce.
  LogicalResult compute(int64_t steps, FoldTables &tables);
  void reportNonPositiveGamma();
  void reportPaperApproximation();

private:
  BNTTOp bntt;
  LIFOp lif;
  FoldMode mode;
  SmallVector<StepChannel> nonPositive;
  double maxNeglectedBias = 0.0; // |beta - mean * k| / theta, paper mode
  int64_t worstStep = 0, worstChannel = 0;
  double minLeakRatio = INFINITY, maxLeakRatio = 0.0;
};

LogicalResult BNTTFolder::compute(int64_t steps, FoldTables &tables) {
  F32Values gamma = *F32Values::get(bntt.getGamma());
  F32Values mean = *F32Values::get(bntt.getMean());
  F32Values var = *F32Values::get(bntt.getVar());
  std::optional<F32Values> beta;
  if (bntt.getBeta())
    beta = *F32Values::get(*bntt.getBeta());
  double eps = bntt.getEpsilonAttr().getValueAsDouble();
  double theta = lif.getThresholdAttr().getValueAsDouble();
  double leak = lif.getLeakAttr().getValueAsDouble();
  int64_t channels = gamma.size() / steps;
  size_t size = gamma.size();
  tables.threshold.resize(size);
  tables.leak.resize(size);
  tables.bias.resize(size);
  tables.gain.resize(size);

  for (int64_t c = 0; c < channels; ++c) {
    // Scale of the folded state at the previous step; 1 before the first
    // step that has input (the state is 0 there, so any scale is exact).
    double previousScale = -1.0;
    for (int64_t t = 0; t < steps; ++t) {
      size_t i = t * channels + c;
      double k = gamma[i] / std::sqrt(static_cast<double>(var[i]) + eps);
      double magnitude = std::fabs(k);
      bool silent = magnitude * FLT_MAX < theta || magnitude < kMinScaleFactor;
      if (gamma[i] <= 0.0f || silent)
        nonPositive.push_back({t, c, gamma[i]});
      double gain = silent ? 0.0 : (k > 0 ? 1.0 : -1.0);
      double scale =
          silent ? (previousScale > 0 ? previousScale : 1.0) : magnitude;
      double ratio = previousScale > 0 ? previousScale / scale : 1.0;
      previousScale = scale;

      double shift = beta ? static_cast<double>((*beta)[i]) : 0.0;
      double threshold, stepLeak, bias;
      if (mode == FoldMode::Exact) {
        threshold = theta / scale;
        stepLeak = leak * ratio;
        bias = (gain == 0.0 ? 0.0 : -gain * mean[i]) + shift / scale;
      } else {
        threshold = silent ? kNeverFires : theta / scale;
        stepLeak = leak;
        bias = 0.0;
        double neglected = std::fabs(shift - mean[i] * k) / theta;
        if (!silent && neglected > maxNeglectedBias) {
          maxNeglectedBias = neglected;
          worstStep = t;
          worstChannel = c;
        }
        if (t > 0 && !silent) {
          minLeakRatio = std::min(minLeakRatio, ratio);
          maxLeakRatio = std::max(maxLeakRatio, ratio);
        }
      }
      if (!(threshold <= FLT_MAX) || !(stepLeak <= FLT_MAX) ||
          !(std::fabs(bias) <= FLT_MAX))
        return lif.emitOpError("folding '")
               << getLayerName(bntt) << "' overflows float at channel " << c
               << ", step " << t << " (threshold " << formatNumber(threshold)
               << ", leak " << formatNumber(stepLeak) << ")";
      tables.threshold[i] = static_cast<float>(threshold);
      tables.leak[i] = static_cast<float>(stepLeak);
      tables.bias[i] = static_cast<float>(bias);
      tables.gain[i] = static_cast<float>(gain);
    }
  }
  return success();
}

void BNTTFolder::reportNonPositiveGamma() {
  if (nonPositive.empty())
    return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "BNTT layer '" << getLayerName(bntt) << "' has " << nonPositive.size()
     << " (step, channel) entries with gamma <= 0 (or too small to scale): "
     << "a zero gamma gates the input off at that step ("
     << (mode == FoldMode::Paper ? "the channel cannot fire"
                                 : "only stored potential can fire")
     << "), a negative gamma flips the input's sign (gain -1); first:";
  SmallVector<StepChannel> sorted(nonPositive);
  llvm::sort(sorted, [](const StepChannel &a, const StepChannel &b) {
    return std::make_pair(a.step, a.channel) <
           std::make_pair(b.step, b.channel);
  });
  for (const StepChannel &entry : ArrayRef(sorted).take_front(8))
    os << " (step " << entry.step << ", channel " << entry.channel << ", gamma "
       << llvm::format("%g", entry.gamma) << ")";
  lif.emitRemark(text);
}

void BNTTFolder::reportPaperApproximation() {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "paper-mode fold of '" << getLayerName(bntt)
     << "' is approximate: it neglects the BNTT mean"
     << (bntt.getBeta() ? " and beta" : "") << " (up to "
     << llvm::format("%.3g", maxNeglectedBias)
     << " thresholds of input per step, at step " << worstStep << ", channel "
     << worstChannel
     << ") and keeps the leak unchanged where exact folding scales it by "
        "k_{t-1}/k_t";
  if (maxLeakRatio > 0.0)
    os << " (in [" << llvm::format("%.3g", minLeakRatio) << ", "
       << llvm::format("%.3g", maxLeakRatio) << "])";
  os << "; the default --fold=exact is exact";
  lif.emitWarning(text);
}

ElementsAttr tableAttr(LIFOp lif, int64_t steps, ArrayRef<float> values,
                       StringRef what) {
  int64_t channels = values.size() / steps;
  return makeF32Attr(lif.getContext(), {steps, channels}, values,
                     (getLayerName(lif) + "_" + what).str());
}

struct FoldBNTTPass : public snnc::impl::SNNFoldBNTTBase<FoldBNTTPass> {
  using SNNFoldBNTTBase::SNNFoldBNTTBase;

  void runOnOperation() override {
    NetworkOp network = getOperation();
    int64_t steps = network.getNumSteps();
    // The mode is recorded on the network (as snn-early-exit records its
    // threshold), so the emitter reads it from the IR: set when this run
    // folds a layer or none is recorded yet; a network folded earlier (a
    // deployed .mlir) keeps the mode it was folded with.
    auto recordMode = [&] {
      network.setFoldModeAttr(StringAttr::get(
          network.getContext(), mode == FoldMode::Paper ? "paper" : "exact"));
    };
    if (!network.getFoldMode())
      recordMode();
    SmallVector<BNTTOp> candidates;
    network.walk([&](BNTTOp bntt) { candidates.push_back(bntt); });
    for (BNTTOp bntt : candidates) {
      auto lif = bntt->hasOneUse() ? dyn_cast<LIFOp>(*bntt->getUsers().begin())
                                   : LIFOp();
      if (!lif) {
        bntt.emitWarning("not folded: its result does not feed exactly one "
                         "snn.lif; it stays a per-step channel affine map");
        continue;
      }
      if (isSpikeTensor(bntt.getInput().getType())) {
        bntt.emitWarning("not folded: its input is a spike train, and a LIF "
                         "integrates graded (f32) input");
        continue;
      }
      if (lif.hasTables()) {
        bntt.emitWarning("not folded: the following snn.lif already has "
                         "per-step tables");
        continue;
      }
      // The synapse of a CUBA neuron filters the BNTT's output over steps, so
      // a per-step scale cannot move past it into the membrane's tables.
      if (lif.getSynLeak()) {
        bntt.emitWarning("not folded: the following snn.lif is current-based "
                         "(CUBA), whose synaptic current sums the BNTT's "
                         "output over steps; it stays a per-step channel "
                         "affine map (exact)");
        continue;
      }
      // The fold rescales the membrane by 1/|k_t| per step: a reset to a
      // non-zero value or a reset one step late would need its own tables.
      if ((lif.getReset() != ResetMode::Soft &&
           lif.getReset() != ResetMode::Hard) ||
          lif.getResetValueAttr()) {
        bntt.emitWarning("not folded: the following snn.lif has the ")
            << stringifyResetMode(lif.getReset())
            << (lif.getResetValueAttr() ? " reset to a non-zero value"
                                        : " reset")
            << ", which folding does not preserve; it stays a per-step "
               "channel affine map (exact)";
        continue;
      }
      BNTTFolder folder(bntt, lif, mode);
      FoldTables tables;
      if (failed(folder.compute(steps, tables)))
        return signalPassFailure();
      folder.reportNonPositiveGamma();
      if (mode == FoldMode::Paper)
        folder.reportPaperApproximation();
      lif.setThresholdTableAttr(
          tableAttr(lif, steps, tables.threshold, "threshold"));
      lif.setLeakTableAttr(tableAttr(lif, steps, tables.leak, "leak"));
      lif.setBiasTableAttr(tableAttr(lif, steps, tables.bias, "bias"));
      lif.setGainTableAttr(tableAttr(lif, steps, tables.gain, "gain"));
      lif.getInputMutable().assign(bntt.getInput());
      bntt.erase();
      recordMode();
    }
  }
};

} // namespace
