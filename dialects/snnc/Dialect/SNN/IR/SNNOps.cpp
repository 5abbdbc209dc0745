//===- SNNOps.cpp - snn operation verifiers -------------------------------===//
//
// Shape agreement, parameter ranges and finiteness for every snn op. Each
// rule's message names the attribute, the offending index where there is one,
// and the rule, so that errors on imported models point at the cause.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>

using namespace mlir;
using namespace snnc::snn;

namespace {

/// The element index in the attribute's own coordinates, e.g. "[3, 7]".
std::string formatIndex(ArrayRef<int64_t> shape, int64_t flat) {
  SmallVector<int64_t> index(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return formatShape(index);
}

enum class ValueRule { Finite, Positive, NonNegative };

/// Checks an f32 attribute's shape and that every value is finite and obeys
/// `rule`.
LogicalResult verifyF32Attr(Operation *op, StringRef name, ElementsAttr attr,
                            ArrayRef<int64_t> shape,
                            ValueRule rule = ValueRule::Finite) {
  auto type = cast<ShapedType>(attr.getType());
  if (!type.getElementType().isF32())
    return op->emitOpError() << name << " must have element type f32, got "
                             << type.getElementType();
  if (!type.hasStaticShape() || type.getShape() != shape)
    return op->emitOpError()
           << name << " must have shape " << formatShape(shape) << ", got "
           << (type.hasStaticShape() ? formatShape(type.getShape())
                                     : std::string("a dynamic shape"));
  FailureOr<F32Values> values = F32Values::get(attr);
  if (failed(values))
    return op->emitOpError() << name << " has no readable f32 data";
  for (auto [i, value] : llvm::enumerate(values->values())) {
    auto fail = [&](StringRef rule) {
      return op->emitOpError() << name << formatIndex(shape, i) << " = "
                               << formatNumber(value) << " " << rule;
    };
    if (!std::isfinite(value))
      return fail("is not finite");
    if (rule == ValueRule::Positive && !(value > 0.0f))
      return fail("must be > 0");
    if (rule == ValueRule::NonNegative && value < 0.0f)
      return fail("must be >= 0");
  }
  return success();
}

LogicalResult verifyScalar(Operation *op, StringRef name, FloatAttr attr,
                           double min, bool minInclusive, double max) {
  double value = attr.getValueAsDouble();
  bool aboveMin = minInclusive ? value >= min : value > min;
  if (!std::isfinite(value) || !aboveMin || value > max) {
    InFlightDiagnostic diag = op->emitOpError()
                              << name << " = " << formatNumber(value)
                              << " must be in " << (minInclusive ? "[" : "(")
                              << formatNumber(min) << ", ";
    if (std::isinf(max))
      diag << "inf)";
    else
      diag << formatNumber(max) << "]";
    return diag;
  }
  return success();
}

/// The number of time steps of the enclosing network, if there is one.
std::optional<int64_t> enclosingNumSteps(Operation *op) {
  if (auto network = op->getParentOfType<NetworkOp>())
    return network.getNumSteps();
  return std::nullopt;
}

/// Checks a per-step, per-channel table against [T, C] of the context.
LogicalResult verifyStepTable(Operation *op, StringRef name, ElementsAttr attr,
                              int64_t channels, ValueRule rule) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t steps =
      type.hasRank() && type.getRank() == 2 ? type.getDimSize(0) : int64_t(-1);
  if (std::optional<int64_t> networkSteps = enclosingNumSteps(op)) {
    if (steps != *networkSteps)
      return op->emitOpError()
             << name << " must have shape [T, C] = "
             << formatShape({*networkSteps, channels})
             << " (T = num_steps of the network, C = input dim 0), got "
             << (type.hasStaticShape() ? formatShape(type.getShape())
                                       : std::string("a dynamic shape"));
  }
  return verifyF32Attr(op, name, attr, {steps, channels}, rule);
}

LogicalResult verifySameShape(Operation *op, Type input, Type output) {
  auto in = cast<ShapedType>(input), out = cast<ShapedType>(output);
  if (in.getShape() != out.getShape())
    return op->emitOpError("result shape ")
           << formatShape(out.getShape()) << " must equal the input shape "
           << formatShape(in.getShape());
  return success();
}

LogicalResult verifyArrayAttr(Operation *op, StringRef name,
                              ArrayRef<int64_t> values, size_t size,
                              int64_t min) {
  if (values.size() != size)
    return op->emitOpError()
           << name << " must have " << size << " values, got " << values.size();
  for (int64_t value : values)
    if (value < min)
      return op->emitOpError() << name << " values must be >= " << min
                               << ", got " << formatShape(values);
  return success();
}

LogicalResult verifyRank(Operation *op, Type type, int64_t rank,
                         StringRef layout) {
  auto shaped = cast<ShapedType>(type);
  if (shaped.getRank() != rank)
    return op->emitOpError("input must be rank ")
           << rank << " " << layout << ", got "
           << formatShape(shaped.getShape());
  return success();
}

/// Shared by conv and pooling: the [C, OH, OW] result of a 2-D window.
LogicalResult verifyWindowResult(Operation *op, ShapedType input,
                                 ShapedType output, int64_t channels,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> pads,
                                 ArrayRef<int64_t> dilations) {
  SmallVector<int64_t> expected = {channels};
  for (int d = 0; d < 2; ++d) {
    std::optional<int64_t> size =
        windowOutputSize(input.getDimSize(1 + d), kernel[d], strides[d],
                         pads[d], pads[d + 2], dilations[d]);
    if (!size)
      return op->emitOpError("window (kernel ")
             << kernel[d] << ", dilation " << dilations[d]
             << ") does not fit input dim " << 1 + d << " of size "
             << input.getDimSize(1 + d) << " with pads " << pads[d] << "+"
             << pads[d + 2];
    expected.push_back(*size);
  }
  if (output.getShape() != ArrayRef<int64_t>(expected))
    return op->emitOpError("result shape must be ")
           << formatShape(expected) << ", got "
           << formatShape(output.getShape());
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Encoders
//===----------------------------------------------------------------------===//

/// Per-channel input normalisation of an encoder: both or neither of mean and
/// std, one finite value per input channel (dim 0), std > 0.
static LogicalResult verifyNormalisation(Operation *op, Type input,
                                         std::optional<ArrayRef<float>> mean,
                                         std::optional<ArrayRef<float>> std) {
  if (!mean && !std)
    return success();
  if (!mean || !std)
    return op->emitOpError("mean and std must be given together");
  auto type = cast<ShapedType>(input);
  int64_t channels = type.getRank() >= 1 ? type.getDimSize(0) : 1;
  if (int64_t(mean->size()) != channels || int64_t(std->size()) != channels)
    return op->emitOpError("mean and std need one value per input channel (")
           << channels << "), got " << mean->size() << " and " << std->size();
  for (size_t c = 0; c < mean->size(); ++c)
    if (!std::isfinite((*mean)[c]) || !std::isfinite((*std)[c]) ||
        !((*std)[c] > 0))
      return op->emitOpError("normalisation of channel ")
             << c << ": mean " << (*mean)[c] << ", std " << (*std)[c]
             << " (mean must be finite, std finite and > 0)";
  return success();
}

LogicalResult PoissonEncodeOp::verify() {
  if (failed(
          verifyScalar(*this, "scale", getScaleAttr(), 0.0, false, INFINITY)) ||
      failed(verifySameShape(*this, getInput().getType(), getType())) ||
      failed(verifyNormalisation(*this, getInput().getType(), getMean(),
                                 getStd())))
    return failure();
  auto spike = cast<SpikeType>(getType().getElementType());
  if (spike.getIsSigned() != getIsSigned())
    return emitOpError("result element type must be ")
           << SpikeType::get(getContext(), getIsSigned())
           << (getIsSigned() ? " for signed" : " for unsigned") << " encoding";
  return success();
}

LogicalResult DirectEncodeOp::verify() {
  if (getInput().getType() != getType())
    return emitOpError("result type must equal the input type");
  if (getPerStep() && (getMean() || getStd()))
    return emitOpError("per_step input cannot be normalised (mean/std)");
  return verifyNormalisation(*this, getInput().getType(), getMean(), getStd());
}

//===----------------------------------------------------------------------===//
// Synaptic ops
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (failed(verifyRank(*this, input, 3, "[C, H, W]")) ||
      failed(verifyArrayAttr(*this, "strides", getStrides(), 2, 1)) ||
      failed(verifyArrayAttr(*this, "dilations", getDilations(), 2, 1)) ||
      failed(verifyArrayAttr(*this, "pads", getPads(), 4, 0)))
    return failure();
  auto weightType = cast<ShapedType>(getWeight().getType());
  if (!weightType.hasStaticShape() || weightType.getRank() != 4)
    return emitOpError("weight must be rank 4 [O, C/groups, KH, KW]");
  ArrayRef<int64_t> w = weightType.getShape();
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError("groups must be >= 1, got ") << groups;
  if (w[1] * groups != input.getDimSize(0))
    return emitOpError("input channels ")
           << input.getDimSize(0) << " must equal weight dim 1 (" << w[1]
           << ") * groups (" << groups << ")";
  if (w[0] % groups != 0)
    return emitOpError("output channels ")
           << w[0] << " must be divisible by groups " << groups;
  if (failed(verifyF32Attr(*this, "weight", getWeight(), w)) ||
      (getBias() && failed(verifyF32Attr(*this, "bias", *getBias(), {w[0]}))))
    return failure();
  return verifyWindowResult(*this, input, getType(), w[0], w.drop_front(2),
                            getStrides(), getPads(), getDilations());
}

LogicalResult DenseOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (failed(verifyRank(*this, input, 1, "[I]")))
    return failure();
  auto weightType = cast<ShapedType>(getWeight().getType());
  if (!weightType.hasStaticShape() || weightType.getRank() != 2)
    return emitOpError("weight must be rank 2 [O, I]");
  int64_t outputs = weightType.getDimSize(0);
  if (weightType.getDimSize(1) != input.getDimSize(0))
    return emitOpError("weight dim 1 (")
           << weightType.getDimSize(1) << ") must equal the input size "
           << input.getDimSize(0);
  if (failed(
          verifyF32Attr(*this, "weight", getWeight(), weightType.getShape())) ||
      (getBias() &&
       failed(verifyF32Attr(*this, "bias", *getBias(), {outputs}))))
    return failure();
  if (getType().getShape() != ArrayRef<int64_t>{outputs})
    return emitOpError("result shape must be [")
           << outputs << "], got " << formatShape(getType().getShape());
  return success();
}

template <typename PoolOp> static LogicalResult verifyPool(PoolOp op) {
  auto input = cast<ShapedType>(op.getInput().getType());
  if (failed(verifyRank(op, input, 3, "[C, H, W]")) ||
      failed(verifyArrayAttr(op, "kernel_shape", op.getKernelShape(), 2, 1)) ||
      failed(verifyArrayAttr(op, "strides", op.getStrides(), 2, 1)) ||
      failed(verifyArrayAttr(op, "pads", op.getPads(), 4, 0)))
    return failure();
  ArrayRef<int64_t> kernel = op.getKernelShape(), pads = op.getPads();
  for (int i = 0; i < 4; ++i)
    if (pads[i] >= kernel[i % 2])
      return op.emitOpError("pads must be smaller than the kernel, got ")
             << formatShape(pads) << " for kernel " << formatShape(kernel);
  int64_t ones[] = {1, 1};
  return verifyWindowResult(op, input, op.getType(), input.getDimSize(0),
                            kernel, op.getStrides(), pads, ones);
}

LogicalResult AvgPool2DOp::verify() { return verifyPool(*this); }

LogicalResult MaxPool2DOp::verify() {
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError("result element type must equal the input's");
  return verifyPool(*this);
}

LogicalResult FlattenOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (getType().getRank() != 1 ||
      getType().getDimSize(0) != input.getNumElements())
    return emitOpError("result must be [")
           << input.getNumElements() << "], got "
           << formatShape(getType().getShape());
  if (input.getElementType() != getType().getElementType())
    return emitOpError("result element type must equal the input's");
  return success();
}

LogicalResult AddOp::verify() {
  if (failed(verifySameShape(*this, getLhs().getType(), getRhs().getType())))
    return failure();
  return verifySameShape(*this, getLhs().getType(), getType());
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

static LogicalResult verifyEpsilon(Operation *op, FloatAttr epsilon) {
  return verifyScalar(op, "epsilon", epsilon, 0.0, false, INFINITY);
}

LogicalResult BNTTOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (input.getRank() < 1)
    return emitOpError("input must have a channel dimension");
  int64_t channels = input.getDimSize(0);
  if (failed(verifyEpsilon(*this, getEpsilonAttr())) ||
      failed(verifyStepTable(*this, "gamma", getGamma(), channels,
                             ValueRule::Finite)) ||
      failed(verifyStepTable(*this, "mean", getMean(), channels,
                             ValueRule::Finite)) ||
      failed(verifyStepTable(*this, "var", getVar(), channels,
                             ValueRule::NonNegative)) ||
      (getBeta() && failed(verifyStepTable(*this, "beta", *getBeta(), channels,
                                           ValueRule::Finite))))
    return failure();
  return verifySameShape(*this, input, getType());
}

LogicalResult BatchNormOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (input.getRank() < 1)
    return emitOpError("input must have a channel dimension");
  int64_t channels = input.getDimSize(0);
  if (failed(verifyEpsilon(*this, getEpsilonAttr())) ||
      failed(verifyF32Attr(*this, "scale", getScale(), {channels})) ||
      failed(verifyF32Attr(*this, "bias", getBias(), {channels})) ||
      failed(verifyF32Attr(*this, "mean", getMean(), {channels})) ||
      failed(verifyF32Attr(*this, "var", getVar(), {channels},
                           ValueRule::NonNegative)))
    return failure();
  return verifySameShape(*this, input, getType());
}

//===----------------------------------------------------------------------===//
// Neurons
//===----------------------------------------------------------------------===//

/// A CUBA synapse: syn_leak and syn_gain both absent or both C values, finite,
/// syn_leak in [0, 1].
static LogicalResult verifySynapse(Operation *op,
                                   std::optional<ArrayRef<float>> leak,
                                   std::optional<ArrayRef<float>> gain,
                                   int64_t channels) {
  if (!leak && !gain)
    return success();
  if (!leak || !gain)
    return op->emitOpError("syn_leak and syn_gain go together (a CUBA "
                           "synapse has both)");
  for (auto [name, values, lo, hi] :
       {std::tuple{"syn_leak", *leak, 0.0, 1.0},
        std::tuple{"syn_gain", *gain, -double(INFINITY), double(INFINITY)}}) {
    if (static_cast<int64_t>(values.size()) != channels)
      return op->emitOpError()
             << name << " must have " << channels
             << " values (one per channel), got " << values.size();
    for (float v : values)
      if (!std::isfinite(v) || v < lo || v > hi)
        return op->emitOpError()
               << name << " value " << formatNumber(v) << " must be finite"
               << (std::isinf(hi) ? "" : " and in [0, 1]");
  }
  return success();
}

LogicalResult LIFOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  if (input.getRank() < 1)
    return emitOpError("input must have a channel dimension");
  if (failed(verifyScalar(*this, "leak", getLeakAttr(), 0.0, true, 1.0)) ||
      failed(verifyScalar(*this, "threshold", getThresholdAttr(), 0.0, false,
                          INFINITY)) ||
      failed(verifySameShape(*this, input, getType())))
    return failure();
  if (cast<SpikeType>(getType().getElementType()).getIsSigned())
    return emitOpError("result element type must be !snn.spike (unsigned)");
  int64_t channels = input.getDimSize(0);
  struct Table {
    StringRef name;
    std::optional<ElementsAttr> attr;
    ValueRule rule;
  } tables[] = {
      {"threshold_table", getThresholdTable(), ValueRule::Positive},
      {"leak_table", getLeakTable(), ValueRule::NonNegative},
      {"bias_table", getBiasTable(), ValueRule::Finite},
      {"gain_table", getGainTable(), ValueRule::Finite},
  };
  for (const Table &table : tables)
    if (table.attr && failed(verifyStepTable(*this, table.name, *table.attr,
                                             channels, table.rule)))
      return failure();
  if (FloatAttr value = getResetValueAttr()) {
    if (getReset() != ResetMode::Hard)
      return emitOpError("reset_value needs the hard (zero) reset");
    if (failed(verifyScalar(*this, "reset_value", value, -INFINITY, true,
                            INFINITY)))
      return failure();
  }
  return verifySynapse(*this, getSynLeak(), getSynGain(), channels);
}

LogicalResult ReadoutOp::verify() {
  if (failed(verifySameShape(*this, getInput().getType(), getType())))
    return failure();
  auto input = cast<ShapedType>(getInput().getType());
  int64_t channels = input.getRank() >= 1 ? input.getDimSize(0) : 1;
  struct Table {
    StringRef name;
    std::optional<ArrayRef<float>> values;
    double lo, hi;
  } tables[] = {{"leak", getLeak(), 0.0, 1.0},
                {"gain", getGain(), -INFINITY, INFINITY},
                {"bias", getBias(), -INFINITY, INFINITY}};
  for (const Table &table : tables) {
    if (!table.values)
      continue;
    if (!getMembrane())
      return emitOpError() << table.name << " needs the membrane readout";
    if (static_cast<int64_t>(table.values->size()) != channels)
      return emitOpError() << table.name << " must have " << channels
                           << " values (one per channel), got "
                           << table.values->size();
    for (float v : *table.values)
      if (!std::isfinite(v) || v < table.lo || v > table.hi)
        return emitOpError() << table.name << " value " << formatNumber(v)
                             << " must be finite"
                             << (std::isinf(table.hi)
                                     ? ""
                                     : " and in [" + formatNumber(table.lo) +
                                           ", " + formatNumber(table.hi) + "]");
  }
  if ((getSynLeak() || getSynGain()) && !getMembrane())
    return emitOpError("syn_leak and syn_gain need the membrane readout");
  return verifySynapse(*this, getSynLeak(), getSynGain(), channels);
}

#define GET_OP_CLASSES
#include "snnc/Dialect/SNN/IR/SNNOps.cpp.inc"
