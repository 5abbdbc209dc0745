//===- MaxPoolToRelay.cpp - max pooling of spikes as a relay population ---===//
//
// A neuromorphic core has synapses and neurons, no max operation. For binary
// spikes the max over a window is the OR of its inputs, and an OR is a
// neuron: sum the window with weights 1 (a depthwise convolution, one group
// per channel, zero padding) and fire when the sum exceeds 0.5 (the sum is a
// whole number of spikes, so any threshold in (0, 1) gives the same spikes),
// with leak 0 and a hard reset to 0, so that nothing carries over from one
// step to the next. Same-step rule: like every snnc layer the relay fires in
// the step its inputs spike (the runtime evaluates a step's layers in
// order), so the rewrite changes no spike of any step and the outputs stay
// identical; on a chip the relay is one more layer of the pipeline, as any
// LIF layer is. Both layers are ones the runtime and the mapper already
// handle (CONV2D + LIF), so max pooling maps onto binary-spike hardware.
// A max pool of graded values (f32) or of signed spikes (-1 is the smaller
// value, so the max is not an OR) is left in place with a warning.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNTypes.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace snnc {
#define GEN_PASS_DEF_SNNMAXPOOLTORELAY
#include "snnc/Transforms/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::snn;

namespace {

/// Why `pool` cannot become a relay, or "" when it can.
std::string whyNotRelay(MaxPool2DOp pool) {
  Type element = pool.getInput().getType().getElementType();
  auto spike = dyn_cast<SpikeType>(element);
  if (!spike)
    return "it reads graded values (f32), not binary spikes";
  if (spike.getIsSigned())
    return "it reads signed spikes (-1, 0, 1), whose max is not an OR";
  return "";
}

void rewrite(MaxPool2DOp pool) {
  OpBuilder b(pool);
  MLIRContext *context = pool.getContext();
  std::string name = getLayerName(pool);
  auto input = cast<RankedTensorType>(pool.getInput().getType());
  auto output = cast<RankedTensorType>(pool.getType());
  int64_t channels = input.getDimSize(0);
  ArrayRef<int64_t> kernel = pool.getKernelShape();
  SmallVector<int64_t> weightShape = {channels, 1, kernel[0], kernel[1]};
  SmallVector<float> ones(channels * kernel[0] * kernel[1], 1.0f);
  auto sumType = RankedTensorType::get(output.getShape(), b.getF32Type());
  Location loc = pool.getLoc();
  auto sum = b.create<Conv2DOp>(
      NameLoc::get(b.getStringAttr(name + "_sum"), loc), sumType,
      pool.getInput(),
      makeF32Attr(context, weightShape, ones, name + "_sum_weight"),
      ElementsAttr(), pool.getStridesAttr(), pool.getPadsAttr(),
      b.getDenseI64ArrayAttr({1, 1}), b.getI64IntegerAttr(channels));
  // The relay keeps the pool's name: profiles and mapping reports show it.
  auto relay = b.create<LIFOp>(
      NameLoc::get(b.getStringAttr(name), loc), output, sum.getResult(),
      b.getF32FloatAttr(0.0f), b.getF32FloatAttr(0.5f),
      ResetModeAttr::get(context, ResetMode::Hard), ElementsAttr(),
      ElementsAttr(), ElementsAttr(), ElementsAttr(), FloatAttr());
  pool.replaceAllUsesWith(relay.getResult());
  pool.erase();
}

struct MaxPoolToRelayPass
    : public snnc::impl::SNNMaxPoolToRelayBase<MaxPoolToRelayPass> {
  void runOnOperation() override {
    SmallVector<MaxPool2DOp> pools;
    getOperation().walk([&](MaxPool2DOp pool) { pools.push_back(pool); });
    for (MaxPool2DOp pool : pools) {
      std::string why = whyNotRelay(pool);
      if (why.empty()) {
        rewrite(pool);
        continue;
      }
      pool.emitWarning() << "max pooling '" << getLayerName(pool)
                         << "' stays a max pool: " << why
                         << "; snnc-map cannot map it (it needs binary "
                            "spikes to become a relay population)";
    }
  }
};

} // namespace
