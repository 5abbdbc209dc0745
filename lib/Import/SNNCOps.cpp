//===- SNNCOps.cpp - the ai.snnc ops of profile v1 ------------------------===//
//
// PoissonEncode, DirectEncode, BNTT, LIF and Readout: the custom domain that
// carries what ONNX cannot say about a spiking network. Each is checked for
// the profile's attribute rules and mapped one-to-one to its snn op.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

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

LogicalResult importLIF(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  auto leak = g.floatAttr("leak", std::nullopt);
  auto threshold = g.floatAttr("threshold", 1.0f);
  auto reset = g.stringAttr("reset", std::string("soft"));
  if (failed(x) || failed(leak) || failed(threshold) || failed(reset))
    return failure();
  std::optional<ResetMode> mode = symbolizeResetMode(*reset);
  if (!mode)
    return g.error() << "unknown reset mode '" << *reset
                     << "' (expected \"soft\" or \"hard\")";
  if (!typeOf(*x).getElementType().isF32())
    return g.error() << "input must be a graded synaptic current, not a "
                        "spike train (put a Conv/Gemm before the LIF)";
  OpBuilder &b = g.builder();
  auto type = RankedTensorType::get(typeOf(*x).getShape(),
                                    SpikeType::get(g.context(), false));
  return g.finish(b.create<LIFOp>(
      g.loc(), type, *x, b.getF32FloatAttr(*leak),
      b.getF32FloatAttr(*threshold), ResetModeAttr::get(g.context(), *mode),
      nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr));
}

LogicalResult importReadout(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  if (failed(x))
    return failure();
  OpBuilder &b = g.builder();
  return g.finish(b.create<ReadoutOp>(
      g.loc(), RankedTensorType::get(typeOf(*x).getShape(), b.getF32Type()), *x,
      UnitAttr(), nullptr, nullptr, nullptr, nullptr, nullptr));
}

const OpEntry kSNNCOps[] = {
    {kSNNCDomain,
     "PoissonEncode",
     1,
     1,
     importPoissonEncode,
     {"scale", "signed", "mean", "std"}},
    {kSNNCDomain, "DirectEncode", 1, 1, importDirectEncode, {"mean", "std"}},
    {kSNNCDomain, "BNTT", 1, 1, importBNTT, {"epsilon"}},
    {kSNNCDomain, "LIF", 1, 1, importLIF, {"leak", "threshold", "reset"}},
    {kSNNCDomain, "Readout", 1, 1, importReadout, {}},
};

} // namespace

ArrayRef<OpEntry> snncOpTable() { return kSNNCOps; }

} // namespace snnc::import
