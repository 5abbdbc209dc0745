//===- StandardOps.cpp - default-domain ONNX ops of profile v1 ------------===//
//
// Conv, Gemm, MatMul, Add, AveragePool, GlobalAveragePool, MaxPool, Flatten,
// Reshape and BatchNormalization, each mapped to its snn op with per-sample
// shapes (the batch dimension of ONNX is dropped). Attributes inconsistent with
// the shapes are reported here; value rules are left to the op verifiers.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"

using namespace mlir;
using namespace snnc::snn;

namespace snnc::import {
namespace {

RankedTensorType graded(OpBuilder &b, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, b.getF32Type());
}

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<ShapedType>(value.getType()).getShape();
}

/// Kernel, strides, pads ([top, left, bottom, right]) and dilations of a 2-D
/// window op, with auto_pad resolved, and the [OH, OW] they produce.
struct Window {
  SmallVector<int64_t> kernel, strides, pads, dilations, output;
};

FailureOr<Window> readWindow(GraphImporter &g, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> spatial, bool hasDilations) {
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto strides = g.intsAttr("strides", SmallVector<int64_t>{1, 1});
  auto dilations =
      hasDilations
          ? g.intsAttr("dilations", SmallVector<int64_t>{1, 1})
          : FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>{1, 1});
  auto autoPad = g.stringAttr("auto_pad", std::string("NOTSET"));
  if (failed(strides) || failed(dilations) || failed(autoPad))
    return failure();
  if (strides->size() != 2 || dilations->size() != 2)
    return g.error() << "strides and dilations must have 2 values (2-D)";
  for (int d = 0; d < 2; ++d)
    if ((*strides)[d] < 1 || (*dilations)[d] < 1)
      return g.error() << "strides and dilations must be >= 1";
  w.strides = *strides;
  w.dilations = *dilations;
  if (*autoPad == "NOTSET") {
    auto pads = g.intsAttr("pads", SmallVector<int64_t>{0, 0, 0, 0});
    if (failed(pads))
      return failure();
    if (pads->size() != 4)
      return g.error() << "pads must have 4 values [top, left, bottom, "
                          "right], got "
                       << pads->size();
    for (int64_t pad : *pads)
      if (pad < 0)
        return g.error() << "pads must be >= 0";
    w.pads = *pads;
  } else if (*autoPad == "VALID") {
    w.pads = {0, 0, 0, 0};
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    w.pads.assign(4, 0);
    for (int d = 0; d < 2; ++d) {
      int64_t out = (spatial[d] + w.strides[d] - 1) / w.strides[d];
      int64_t span = w.dilations[d] * (kernel[d] - 1) + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[d] + span - spatial[d]);
      int64_t small = total / 2, large = total - small;
      w.pads[d] = *autoPad == "SAME_UPPER" ? small : large;
      w.pads[d + 2] = *autoPad == "SAME_UPPER" ? large : small;
    }
  } else {
    return g.error() << "unknown auto_pad '" << *autoPad
                     << "' (expected NOTSET, VALID, SAME_UPPER, SAME_LOWER)";
  }
  for (int d = 0; d < 2; ++d) {
    std::optional<int64_t> size =
        windowOutputSize(spatial[d], kernel[d], w.strides[d], w.pads[d],
                         w.pads[d + 2], w.dilations[d]);
    if (!size)
      return g.error() << "kernel " << kernel[d] << " (dilation "
                       << w.dilations[d] << ") does not fit input size "
                       << spatial[d] << " with pads " << w.pads[d] << "+"
                       << w.pads[d + 2] << " on spatial axis " << d;
    w.output.push_back(*size);
  }
  return w;
}

FailureOr<Value> imageInput(GraphImporter &g) {
  FailureOr<Value> x = g.activation(0);
  if (failed(x))
    return failure();
  if (shapeOf(*x).size() != 3)
    return g.error() << "input must be 4-D [N, C, H, W], got a per-sample "
                        "rank of "
                     << shapeOf(*x).size();
  return x;
}

LogicalResult importConv(GraphImporter &g) {
  if (failed(g.expectArity(2, 3, 1)))
    return failure();
  FailureOr<Value> x = imageInput(g);
  FailureOr<const Constant *> w = g.constant(1);
  FailureOr<int64_t> group = g.intAttr("group", 1);
  if (failed(x) || failed(w) || failed(group))
    return failure();
  ArrayRef<int64_t> wd = (*w)->dims;
  if (wd.size() != 4)
    return g.error() << "weight must be 4-D [O, C/group, KH, KW]";
  if (*group < 1)
    return g.error() << "group must be >= 1, got " << *group;
  auto kernel = g.intsAttr("kernel_shape", SmallVector<int64_t>{wd[2], wd[3]});
  if (failed(kernel))
    return failure();
  if (ArrayRef<int64_t>(*kernel) != wd.drop_front(2))
    return g.error() << "kernel_shape does not match the weight's [KH, KW]";
  FailureOr<Window> win =
      readWindow(g, *kernel, shapeOf(*x).drop_front(), /*dilations=*/true);
  if (failed(win))
    return failure();
  ElementsAttr bias;
  if (g.hasInput(2)) {
    FailureOr<const Constant *> b = g.constant(2, ArrayRef<int64_t>{wd[0]});
    if (failed(b))
      return failure();
    bias = g.initializerAttr(**b, "bias");
  }
  OpBuilder &b = g.builder();
  auto op = b.create<Conv2DOp>(
      g.loc(), graded(b, {wd[0], win->output[0], win->output[1]}), *x,
      g.initializerAttr(**w, "weight"), bias,
      b.getDenseI64ArrayAttr(win->strides), b.getDenseI64ArrayAttr(win->pads),
      b.getDenseI64ArrayAttr(win->dilations), b.getI64IntegerAttr(*group));
  return g.finish(op);
}

FailureOr<Value> vectorInput(GraphImporter &g) {
  FailureOr<Value> x = g.activation(0);
  if (failed(x))
    return failure();
  if (shapeOf(*x).size() != 1)
    return g.error() << "input must be 2-D [N, K]; flatten it first (per-"
                        "sample rank is "
                     << shapeOf(*x).size() << ")";
  return x;
}

/// Builds snn.dense from an [M, K] weight attribute.
LogicalResult buildDense(GraphImporter &g, Value x, ElementsAttr weight,
                         int64_t outputs, ElementsAttr bias) {
  OpBuilder &b = g.builder();
  auto op = b.create<DenseOp>(g.loc(), graded(b, {outputs}), x, weight, bias);
  return g.finish(op);
}

LogicalResult importGemm(GraphImporter &g) {
  if (failed(g.expectArity(2, 3, 1)))
    return failure();
  FailureOr<Value> x = vectorInput(g);
  FailureOr<const Constant *> w = g.constant(1);
  auto transA = g.intAttr("transA", 0), transB = g.intAttr("transB", 0);
  auto alpha = g.floatAttr("alpha", 1.0f), beta = g.floatAttr("beta", 1.0f);
  if (failed(x) || failed(w) || failed(transA) || failed(transB) ||
      failed(alpha) || failed(beta))
    return failure();
  if (*transA != 0)
    return g.error() << "transA = " << *transA << " is not supported";
  ArrayRef<int64_t> wd = (*w)->dims;
  int64_t k = shapeOf(*x)[0];
  if (wd.size() != 2 || wd[*transB ? 1 : 0] != k)
    return g.error() << "weight '" << (*w)->name << "' must be "
                     << (*transB ? "[M, K]" : "[K, M]") << " with K = " << k;
  int64_t m = wd[*transB ? 0 : 1];
  ElementsAttr weight;
  if (*transB && *alpha == 1.0f) {
    weight = g.initializerAttr(**w, "weight"); // already [M, K]
  } else {
    SmallVector<float> values(m * k);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < k; ++j)
        values[i * k + j] = *alpha * (*transB ? (*w)->values[i * k + j]
                                              : (*w)->values[j * m + i]);
    weight = g.weightAttr({m, k}, values, "weight");
  }
  ElementsAttr bias;
  if (g.hasInput(2)) {
    FailureOr<const Constant *> c = g.constant(2);
    if (failed(c))
      return failure();
    ArrayRef<int64_t> cd = (*c)->dims;
    bool vector = (cd.size() == 1 && cd[0] == m) ||
                  (cd.size() == 2 && cd[0] == 1 && cd[1] == m);
    if (!vector)
      return g.error() << "bias C must be [M] or [1, M] with M = " << m;
    SmallVector<float> scaled((*c)->values);
    for (float &value : scaled)
      value *= *beta;
    bias = g.weightAttr({m}, scaled, "bias");
  }
  return buildDense(g, *x, weight, m, bias);
}

LogicalResult importMatMul(GraphImporter &g) {
  if (failed(g.expectArity(2, 2, 1)))
    return failure();
  FailureOr<Value> x = vectorInput(g);
  FailureOr<const Constant *> w = g.constant(1);
  if (failed(x) || failed(w))
    return failure();
  ArrayRef<int64_t> wd = (*w)->dims;
  int64_t k = shapeOf(*x)[0];
  if (wd.size() != 2 || wd[0] != k)
    return g.error() << "weight '" << (*w)->name
                     << "' must be [K, M] with K = " << k;
  int64_t m = wd[1];
  SmallVector<float> weight(m * k);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j)
      weight[i * k + j] = (*w)->values[j * m + i];
  return buildDense(g, *x, g.weightAttr({m, k}, weight, "weight"), m, nullptr);
}

/// Add of an initializer: the bias of the preceding MatMul/Gemm or Conv.
LogicalResult importBiasAdd(GraphImporter &g, int valueIndex) {
  FailureOr<Value> x = g.activation(valueIndex);
  FailureOr<const Constant *> c = g.constant(1 - valueIndex);
  if (failed(x) || failed(c))
    return failure();
  Operation *producer = x->getDefiningOp();
  auto dense = dyn_cast_or_null<DenseOp>(producer);
  auto conv = dyn_cast_or_null<Conv2DOp>(producer);
  if ((!dense && !conv) || (dense && dense.getBias()) ||
      (conv && conv.getBias()))
    return g.error() << "adding an initializer is supported only as the bias "
                        "of a MatMul, Gemm or Conv without one";
  int64_t channels = shapeOf(*x)[0];
  ArrayRef<int64_t> cd = (*c)->dims;
  int64_t count = 1;
  for (int64_t dim : cd)
    count *= dim;
  bool broadcastsPerChannel =
      count == channels && !cd.empty() &&
      (dense ? cd.back() == channels
             : (cd.size() >= 3 && cd[cd.size() - 3] == channels));
  if (!broadcastsPerChannel)
    return g.error() << "bias '" << (*c)->name << "' must broadcast per "
                     << (dense ? "output ([M])" : "channel ([C, 1, 1])")
                     << " with " << channels << " values";
  Operation *clone = g.builder().clone(*producer);
  clone->setAttr("bias", g.weightAttr({channels}, (*c)->values, "bias"));
  clone->setLoc(g.loc());
  return g.finish(clone);
}

LogicalResult importAdd(GraphImporter &g) {
  if (failed(g.expectArity(2, 2, 1)))
    return failure();
  if (g.isConstant(0) && g.isConstant(1))
    return g.error() << "both inputs are initializers";
  if (g.isConstant(0) || g.isConstant(1))
    return importBiasAdd(g, g.isConstant(0) ? 1 : 0);
  FailureOr<Value> lhs = g.activation(0), rhs = g.activation(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (shapeOf(*lhs) != shapeOf(*rhs))
    return g.error() << "residual Add needs equal shapes (no broadcasting)";
  OpBuilder &b = g.builder();
  return g.finish(
      b.create<AddOp>(g.loc(), graded(b, shapeOf(*lhs)), *lhs, *rhs));
}

template <typename PoolOp>
LogicalResult importPool(GraphImporter &g, bool average) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  FailureOr<Value> x = imageInput(g);
  auto kernel = g.intsAttr("kernel_shape", std::nullopt);
  auto ceil = g.intAttr("ceil_mode", 0);
  if (failed(x) || failed(kernel) || failed(ceil))
    return failure();
  if (kernel->size() != 2)
    return g.error() << "kernel_shape must have 2 values (2-D pooling)";
  if (*ceil != 0)
    return g.error() << "ceil_mode = 1 is not supported";
  if (!average) {
    auto dilations = g.intsAttr("dilations", SmallVector<int64_t>{1, 1});
    auto order = g.intAttr("storage_order", 0);
    if (failed(dilations) || failed(order))
      return failure();
    if (!llvm::all_of(*dilations, [](int64_t d) { return d == 1; }) ||
        *order != 0)
      return g.error() << "dilated MaxPool and storage_order are not "
                          "supported";
  }
  FailureOr<Window> win =
      readWindow(g, *kernel, shapeOf(*x).drop_front(), /*dilations=*/false);
  if (failed(win))
    return failure();
  OpBuilder &b = g.builder();
  Type element = average ? b.getF32Type()
                         : cast<ShapedType>(x->getType()).getElementType();
  auto type = RankedTensorType::get(
      {shapeOf(*x)[0], win->output[0], win->output[1]}, element);
  if (average) {
    auto include = g.intAttr("count_include_pad", 0);
    if (failed(include))
      return failure();
    return g.finish(b.create<AvgPool2DOp>(
        g.loc(), type, *x, b.getDenseI64ArrayAttr(win->kernel),
        b.getDenseI64ArrayAttr(win->strides), b.getDenseI64ArrayAttr(win->pads),
        b.getBoolAttr(*include != 0)));
  }
  return g.finish(b.create<MaxPool2DOp>(
      g.loc(), type, *x, b.getDenseI64ArrayAttr(win->kernel),
      b.getDenseI64ArrayAttr(win->strides), b.getDenseI64ArrayAttr(win->pads)));
}

LogicalResult importAveragePool(GraphImporter &g) {
  return importPool<AvgPool2DOp>(g, true);
}
LogicalResult importMaxPool(GraphImporter &g) {
  return importPool<MaxPool2DOp>(g, false);
}

/// GlobalAveragePool: an average pool whose kernel is the whole H x W extent
/// (nn.AdaptiveAvgPool2d((1, 1)) exports as this), output [C, 1, 1].
LogicalResult importGlobalAveragePool(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  FailureOr<Value> x = imageInput(g);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  OpBuilder &b = g.builder();
  auto type = RankedTensorType::get({shape[0], 1, 1}, b.getF32Type());
  return g.finish(b.create<AvgPool2DOp>(
      g.loc(), type, *x, b.getDenseI64ArrayAttr({shape[1], shape[2]}),
      b.getDenseI64ArrayAttr({1, 1}), b.getDenseI64ArrayAttr({0, 0, 0, 0}),
      b.getBoolAttr(false)));
}

LogicalResult buildFlatten(GraphImporter &g, Value x) {
  auto type = cast<ShapedType>(x.getType());
  OpBuilder &b = g.builder();
  auto result =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  return g.finish(b.create<FlattenOp>(g.loc(), result, x));
}

LogicalResult importFlatten(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  FailureOr<int64_t> axis = g.intAttr("axis", 1);
  if (failed(x) || failed(axis))
    return failure();
  int64_t rank = shapeOf(*x).size() + 1;
  if (*axis != 1 && *axis != 1 - rank)
    return g.error() << "axis = " << *axis
                     << " is not supported: only axis 1 keeps the batch "
                        "dimension apart";
  return buildFlatten(g, *x);
}

LogicalResult importReshape(GraphImporter &g) {
  if (failed(g.expectArity(2, 2, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  FailureOr<SmallVector<int64_t>> target = g.int64Constant(1);
  FailureOr<int64_t> allowZero = g.intAttr("allowzero", 0);
  if (failed(x) || failed(target) || failed(allowZero))
    return failure();
  if (*allowZero != 0)
    return g.error() << "allowzero = 1 is not supported";
  ArrayRef<int64_t> in = shapeOf(*x);
  int64_t count = cast<ShapedType>(x->getType()).getNumElements();
  if (target->empty())
    return g.error() << "shape must keep the batch dimension first";
  SmallVector<int64_t> sample;
  int inferred = -1;
  int64_t known = 1;
  for (size_t i = 1; i < target->size(); ++i) {
    int64_t dim = (*target)[i];
    if (dim == 0) {
      if (i - 1 >= in.size())
        return g.error() << "shape entry " << i << " copies a missing dim";
      dim = in[i - 1];
    }
    if (dim == -1) {
      if (inferred >= 0)
        return g.error() << "shape has more than one -1";
      inferred = sample.size();
      sample.push_back(1);
      continue;
    }
    if (dim <= 0)
      return g.error() << "shape entry " << i << " = " << dim << " is invalid";
    if (__builtin_mul_overflow(known, dim, &known))
      return g.error() << "shape overflows";
    sample.push_back(dim);
  }
  int64_t batch = (*target)[0];
  if (batch != 0 && batch != -1 && batch < 1)
    return g.error() << "shape must keep the batch dimension first";
  if (inferred >= 0) {
    if (known == 0 || count % known)
      return g.error() << "cannot infer -1 from " << count << " elements";
    sample[inferred] = count / known;
  }
  int64_t product = 1;
  for (int64_t dim : sample)
    product *= dim;
  if (product != count)
    return g.error() << "shape gives " << product
                     << " elements per sample, the input has " << count;
  if (ArrayRef<int64_t>(sample) == in) {
    g.define(0, *x);
    return success();
  }
  if (sample.size() != 1)
    return g.error() << "only reshapes that flatten each sample to [N, "
                     << count << "] are supported";
  return buildFlatten(g, *x);
}

LogicalResult importBatchNormalization(GraphImporter &g) {
  if (failed(g.expectArity(5, 5, 1)))
    return failure();
  FailureOr<Value> x = g.activation(0);
  auto epsilon = g.floatAttr("epsilon", 1e-5f);
  auto training = g.intAttr("training_mode", 0);
  if (failed(x) || failed(epsilon) || failed(training) ||
      failed(g.floatAttr("momentum", 0.9f)))
    return failure();
  if (*training != 0)
    return g.error() << "training_mode = 1 is not supported (inference only)";
  if (shapeOf(*x).empty())
    return g.error() << "input has no channel dimension";
  int64_t channels = shapeOf(*x)[0];
  SmallVector<ElementsAttr, 4> params;
  const char *names[] = {"scale", "bias", "mean", "var"};
  for (int i = 1; i <= 4; ++i) {
    FailureOr<const Constant *> c = g.constant(i, ArrayRef<int64_t>{channels});
    if (failed(c))
      return failure();
    params.push_back(g.initializerAttr(**c, names[i - 1]));
  }
  OpBuilder &b = g.builder();
  return g.finish(b.create<BatchNormOp>(
      g.loc(), graded(b, shapeOf(*x)), *x, params[0], params[1], params[2],
      params[3], b.getF32FloatAttr(*epsilon)));
}

/// Identity (exporters write it for shared parameters): an alias.
LogicalResult importIdentity(GraphImporter &g) {
  if (failed(g.expectArity(1, 1, 1)))
    return failure();
  if (g.isConstant(0))
    return success(); // bound as a constant before the walk
  FailureOr<Value> x = g.activation(0);
  if (failed(x))
    return failure();
  g.define(0, *x);
  return success();
}

/// Constant nodes are bound as constants before the walk.
LogicalResult importConstant(GraphImporter &) { return success(); }

const OpEntry kStandardOps[] = {
    {"",
     "Conv",
     kMinOpset,
     kMaxOpset,
     importConv,
     {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}},
    {"",
     "Gemm",
     kMinOpset,
     kMaxOpset,
     importGemm,
     {"alpha", "beta", "transA", "transB"}},
    {"", "MatMul", kMinOpset, kMaxOpset, importMatMul, {}},
    {"", "Add", kMinOpset, kMaxOpset, importAdd, {}},
    {"",
     "AveragePool",
     kMinOpset,
     kMaxOpset,
     importAveragePool,
     {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads",
      "strides"}},
    {"",
     "GlobalAveragePool",
     kMinOpset,
     kMaxOpset,
     importGlobalAveragePool,
     {}},
    {"",
     "MaxPool",
     kMinOpset,
     kMaxOpset,
     importMaxPool,
     {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
      "storage_order", "strides"}},
    {"", "Flatten", kMinOpset, kMaxOpset, importFlatten, {"axis"}},
    {"", "Reshape", kMinOpset, kMaxOpset, importReshape, {"allowzero"}},
    {"",
     "BatchNormalization",
     kMinOpset,
     kMaxOpset,
     importBatchNormalization,
     {"epsilon", "momentum", "training_mode"}},
    {"", "Constant", kMinOpset, kMaxOpset, importConstant, {"value"}},
    {"", "Identity", kMinOpset, kMaxOpset, importIdentity, {}},
};

} // namespace

ArrayRef<OpEntry> standardOpTable() { return kStandardOps; }

} // namespace snnc::import
