//===- SNNCanonicalize.cpp - snn folds and canonicalization patterns ------===//
//
// Identity folds (flatten of a rank-1 value, 1x1 pooling) and the LIF pattern
// that turns per-step tables holding a single value back into the scalar
// attributes, so that IR after folding a BNTT with constant statistics is as
// small as IR that never had one.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace snnc::snn;

OpFoldResult FlattenOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

template <typename PoolOp> static OpFoldResult foldIdentityPool(PoolOp op) {
  auto isAll = [](ArrayRef<int64_t> values, int64_t expected) {
    return llvm::all_of(values, [&](int64_t v) { return v == expected; });
  };
  if (op.getInput().getType() == op.getType() &&
      isAll(op.getKernelShape(), 1) && isAll(op.getStrides(), 1) &&
      isAll(op.getPads(), 0))
    return op.getInput();
  return {};
}

OpFoldResult AvgPool2DOp::fold(FoldAdaptor) { return foldIdentityPool(*this); }
OpFoldResult MaxPool2DOp::fold(FoldAdaptor) { return foldIdentityPool(*this); }

namespace {

/// The single value every element of `table` holds, if there is one.
std::optional<float> uniformValue(ElementsAttr table) {
  FailureOr<F32Values> values = F32Values::get(table);
  if (failed(values) || values->size() == 0)
    return std::nullopt;
  float first = (*values)[0];
  for (float value : values->values())
    if (value != first)
      return std::nullopt;
  return first;
}

/// Replaces uniform LIF tables by the equivalent scalar attribute (threshold,
/// leak) or drops them when they hold the neutral value (bias 0, gain 1).
struct CollapseUniformLIFTables : OpRewritePattern<LIFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LIFOp op,
                                PatternRewriter &rewriter) const override {
    bool changed = false;
    Builder b(op.getContext());
    if (auto table = op.getThresholdTableAttr()) {
      if (std::optional<float> value = uniformValue(table)) {
        rewriter.modifyOpInPlace(op, [&] {
          op.setThresholdAttr(b.getF32FloatAttr(*value));
          op.removeThresholdTableAttr();
        });
        changed = true;
      }
    }
    if (auto table = op.getLeakTableAttr()) {
      std::optional<float> value = uniformValue(table);
      if (value && *value >= 0.0f && *value <= 1.0f) {
        rewriter.modifyOpInPlace(op, [&] {
          op.setLeakAttr(b.getF32FloatAttr(*value));
          op.removeLeakTableAttr();
        });
        changed = true;
      }
    }
    if (auto table = op.getBiasTableAttr()) {
      if (uniformValue(table) == 0.0f) {
        rewriter.modifyOpInPlace(op, [&] { op.removeBiasTableAttr(); });
        changed = true;
      }
    }
    if (auto table = op.getGainTableAttr()) {
      if (uniformValue(table) == 1.0f) {
        rewriter.modifyOpInPlace(op, [&] { op.removeGainTableAttr(); });
        changed = true;
      }
    }
    return success(changed);
  }
};

} // namespace

void LIFOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                        MLIRContext *context) {
  results.add<CollapseUniformLIFTables>(context);
}
