//===- FoldBatchNorm.cpp - fold static batch norm into weights ------------===//
//
// A static (inference-mode) batch norm after a conv or dense layer is an
// affine map per output channel, so it folds into that layer's weight and
// bias and costs nothing at run time (the paper's "Baseline + BN" network).
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace snnc {
#define GEN_PASS_DEF_SNNFOLDBATCHNORM
#include "snnc/Transforms/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::snn;

namespace {

/// Rewrites `layer`'s weight and bias (attribute names "weight", "bias") so
/// that it produces batch_norm(layer(x)).
void foldInto(Operation *layer, ElementsAttr weightAttr,
              std::optional<ElementsAttr> biasAttr, BatchNormOp bn) {
  F32Values weight = *F32Values::get(weightAttr);
  F32Values scale = *F32Values::get(bn.getScale());
  F32Values shift = *F32Values::get(bn.getBias());
  F32Values mean = *F32Values::get(bn.getMean());
  F32Values var = *F32Values::get(bn.getVar());
  double eps = bn.getEpsilonAttr().getValueAsDouble();
  size_t channels = scale.size();
  size_t perChannel = weight.size() / channels;

  SmallVector<float> newWeight(weight.values());
  SmallVector<float> newBias(channels);
  for (size_t o = 0; o < channels; ++o) {
    double s = scale[o] / std::sqrt(static_cast<double>(var[o]) + eps);
    for (size_t j = 0; j < perChannel; ++j)
      newWeight[o * perChannel + j] =
          static_cast<float>(weight[o * perChannel + j] * s);
    double bias = biasAttr ? (*F32Values::get(*biasAttr))[o] : 0.0;
    newBias[o] = static_cast<float>(s * (bias - mean[o]) + shift[o]);
  }
  std::string name = getLayerName(layer);
  auto shape = cast<ShapedType>(weightAttr.getType()).getShape();
  MLIRContext *context = layer->getContext();
  layer->setAttr("weight",
                 makeF32Attr(context, shape, newWeight, name + "_weight"));
  layer->setAttr("bias", makeF32Attr(context, {int64_t(channels)}, newBias,
                                     name + "_bias"));
}

struct FoldBatchNormPass
    : public snnc::impl::SNNFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<BatchNormOp> norms;
    getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
    for (BatchNormOp bn : norms) {
      Operation *producer = bn.getInput().getDefiningOp();
      if (!producer || !producer->hasOneUse() ||
          !isa<Conv2DOp, DenseOp>(producer)) {
        bn.emitWarning("not folded: its input is not a conv2d/dense used only "
                       "by it; it stays a per-channel affine map");
        continue;
      }
      if (auto conv = dyn_cast<Conv2DOp>(producer))
        foldInto(conv, conv.getWeight(), conv.getBias(), bn);
      else if (auto dense = dyn_cast<DenseOp>(producer))
        foldInto(dense, dense.getWeight(), dense.getBias(), bn);
      bn.replaceAllUsesWith(bn.getInput());
      bn.erase();
    }
  }
};

} // namespace
