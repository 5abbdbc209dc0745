//===- SNNAttrUtils.cpp - reading and making f32 tensor attrs -------------===//
//
// One f32 view over dense and dense_resource attributes, and the builder that
// picks between them by size. See SNNAttrUtils.h.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/modelbin/Shapes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstdio>

using namespace mlir;

namespace snnc::snn {

FailureOr<F32Values> F32Values::get(ElementsAttr attr) {
  auto type = dyn_cast<ShapedType>(attr.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return failure();
  int64_t count = type.getNumElements();
  F32Values result;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat()) {
      result.storage.assign(count, dense.getSplatValue<float>());
      return result;
    }
    ArrayRef<char> raw = dense.getRawData();
    if (raw.size() != static_cast<size_t>(count) * sizeof(float))
      return failure();
    result.view =
        ArrayRef<float>(reinterpret_cast<const float *>(raw.data()), count);
    return result;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> raw = blob->getData();
    if (raw.size() != static_cast<size_t>(count) * sizeof(float))
      return failure();
    result.view =
        ArrayRef<float>(reinterpret_cast<const float *>(raw.data()), count);
    return result;
  }
  return failure();
}

ElementsAttr makeF32Attr(MLIRContext *context, ArrayRef<int64_t> shape,
                         ArrayRef<float> values, StringRef blobName) {
  auto type = RankedTensorType::get(shape, Float32Type::get(context));
  if (static_cast<int64_t>(values.size()) < kInlineElementLimit)
    return DenseElementsAttr::get(type, values);
  return DenseResourceElementsAttr::get(
      type, blobName, HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
}

std::optional<int64_t> windowOutputSize(int64_t input, int64_t kernel,
                                        int64_t stride, int64_t padBegin,
                                        int64_t padEnd, int64_t dilation) {
  int64_t size = modelbin::windowOutputSize(input, kernel, stride, padBegin,
                                            padEnd, dilation);
  if (size < 0)
    return std::nullopt;
  return size;
}

std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(dim);
  return text + "]";
}

std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

} // namespace snnc::snn
