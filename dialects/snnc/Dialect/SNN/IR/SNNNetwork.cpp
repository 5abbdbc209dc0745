//===- SNNNetwork.cpp - snn.network and snn.output ------------------------===//
//
// The network op is a function-like container for one time step. Its syntax
// is the standard function syntax; its verifier checks the step counts and
// that every result is defined by a readout (the only ops whose value is
// meaningful after the last step).
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/Support/Limits.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace snnc::snn;

ParseResult NetworkOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> inputs,
                      ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(inputs, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void NetworkOp::print(OpAsmPrinter &printer) {
  function_interface_impl::printFunctionOp(
      printer, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

/// The gamma tables name BNTT layers. Before folding, the layers they name
/// must exist in the network; after folding (no BNTT left) only their names
/// are kept, and those obey the one name-length limit.
static LogicalResult verifyGammaLayerName(NetworkOp network, StringRef table,
                                          StringRef layer,
                                          const llvm::StringSet<> &bntts) {
  if (layer.empty() ||
      layer.size() > static_cast<size_t>(snnc::limits::kMaxNameLength))
    return network.emitOpError(table)
           << " entry names a layer of " << layer.size()
           << " bytes, expected 1.." << snnc::limits::kMaxNameLength;
  if (!bntts.empty() && !bntts.contains(layer))
    return network.emitOpError(table)
           << " lists layer '" << layer
           << "', which is not a snn.bntt op of this network";
  return success();
}

LogicalResult NetworkOp::verify() {
  int64_t steps = getNumSteps();
  if (steps < 1)
    return emitOpError("num_steps must be >= 1, got ") << steps;
  if (steps > snnc::limits::kMaxSteps)
    return emitOpError("num_steps must be <= ")
           << snnc::limits::kMaxSteps << " (snnc/Support/Limits.h), got "
           << steps;
  llvm::StringSet<> bntts;
  if (getGammaMeanAttr() || getGammaHistogramAttr())
    for (BNTTOp op : getBody().front().getOps<BNTTOp>())
      bntts.insert(getLayerName(op));
  if (std::optional<StringRef> mode = getFoldMode())
    if (*mode != "exact" && *mode != "paper")
      return emitOpError("fold_mode must be \"exact\" or \"paper\", got \"")
             << *mode << "\"";
  if (std::optional<int64_t> exit = getEarlyExitStep()) {
    if (*exit < 1 || *exit > steps)
      return emitOpError("early_exit_step must be in [1, num_steps = ")
             << steps << "], got " << *exit;
  }
  if (ArrayAttr table = getGammaMeanAttr()) {
    llvm::StringSet<> seen;
    for (LayerGammaAttr entry : table.getAsRange<LayerGammaAttr>()) {
      if (failed(verifyGammaLayerName(*this, "gamma_mean",
                                      entry.getLayer().getValue(), bntts)))
        return failure();
      if (entry.getMean().size() != steps)
        return emitOpError("gamma_mean entry '")
               << entry.getLayer().getValue() << "' has "
               << entry.getMean().size()
               << " values, expected num_steps = " << steps;
      if (!seen.insert(entry.getLayer().getValue()).second)
        return emitOpError("gamma_mean lists layer '")
               << entry.getLayer().getValue()
               << "' twice; layer names must be unique";
    }
  }
  if (ArrayAttr table = getGammaHistogramAttr()) {
    llvm::StringSet<> seen;
    for (GammaHistogramAttr entry : table.getAsRange<GammaHistogramAttr>()) {
      StringRef layer = entry.getLayer().getValue();
      if (failed(verifyGammaLayerName(*this, "gamma_histogram", layer, bntts)))
        return failure();
      ArrayRef<float> range = entry.getRange().asArrayRef();
      if (range.size() != 2 || !(range[0] <= range[1]))
        return emitOpError("gamma_histogram entry '")
               << layer << "' needs a range [lo, hi] with lo <= hi";
      int64_t counts = entry.getCounts().size();
      if (counts == 0 || counts % steps != 0)
        return emitOpError("gamma_histogram entry '")
               << layer << "' has " << counts
               << " counts, expected num_steps = " << steps << " x bins";
      if (llvm::any_of(entry.getCounts().asArrayRef(),
                       [](int64_t c) { return c < 0; }))
        return emitOpError("gamma_histogram entry '")
               << layer << "' has a negative count";
      if (!seen.insert(layer).second)
        return emitOpError("gamma_histogram lists layer '")
               << layer << "' twice; layer names must be unique";
    }
  }
  Block &body = getBody().front();
  if (body.getNumArguments() != getFunctionType().getNumInputs())
    return emitOpError("body has ")
           << body.getNumArguments() << " arguments but the signature "
           << getFunctionType().getNumInputs();
  auto output = dyn_cast<OutputOp>(body.getTerminator());
  if (!output)
    return emitOpError("body must end with snn.output");
  if (output.getOperandTypes() != getFunctionType().getResults())
    return output.emitOpError("operand types do not match the results of ")
           << "@" << getSymName();
  for (auto [index, value] : llvm::enumerate(output.getOperands())) {
    if (!value.getDefiningOp<ReadoutOp>())
      return output.emitOpError("operand #")
             << index << " must be produced by snn.readout";
  }
  return success();
}

std::string snnc::snn::getLayerName(Operation *op) {
  std::string name;
  op->getLoc()->walk([&](Location loc) {
    if (auto named = dyn_cast<NameLoc>(loc)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!name.empty())
    return name;
  StringRef mnemonic = op->getName().stripDialect();
  unsigned index = 0;
  if (auto network = op->getParentOfType<NetworkOp>()) {
    for (Operation &other : network.getBody().front()) {
      if (&other == op)
        break;
      if (other.getName() == op->getName())
        ++index;
    }
  }
  return (mnemonic + "_" + Twine(index)).str();
}
