//===- SNNAttrUtils.h - reading and making f32 tensor attrs -----*- C++ -*-===//
//
// Weights and per-step tables are `ElementsAttr`s: inline `dense` for small
// ones and `dense_resource` blobs for large ones. These helpers give one f32
// view over both kinds (without copying blobs) and build attributes of the
// right kind, so verifiers, passes and emitters never care which it is. The
// window-size arithmetic shared by conv/pool verifiers and the importer's
// shape inference lives here too.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNATTRUTILS_H
#define SNNC_DIALECT_SNN_IR_SNNATTRUTILS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace snnc::snn {

/// Attributes with at least this many elements are stored as blobs.
constexpr int64_t kInlineElementLimit = 64;

/// The f32 values of an ElementsAttr (dense or dense_resource).
class F32Values {
public:
  /// Fails when the attribute is not f32 or its blob is missing/short.
  static mlir::FailureOr<F32Values> get(mlir::ElementsAttr attr);

  llvm::ArrayRef<float> values() const {
    return storage.empty() ? view : llvm::ArrayRef<float>(storage);
  }
  size_t size() const { return values().size(); }
  float operator[](size_t i) const { return values()[i]; }

private:
  llvm::ArrayRef<float> view;
  llvm::SmallVector<float, 0> storage;
};

/// Builds an f32 attribute of `shape`: inline below kInlineElementLimit
/// elements, else a dense_resource blob named after `blobName` (copied).
mlir::ElementsAttr makeF32Attr(mlir::MLIRContext *context,
                               llvm::ArrayRef<int64_t> shape,
                               llvm::ArrayRef<float> values,
                               llvm::StringRef blobName);

/// Output size of a sliding window (ONNX conv/pool, floor mode); nullopt when
/// the window does not fit even once. The rule is modelbin::windowOutputSize
/// (runtime/include/snnc/modelbin/Shapes.h), shared with the runtime.
std::optional<int64_t> windowOutputSize(int64_t input, int64_t kernel,
                                        int64_t stride, int64_t padBegin,
                                        int64_t padEnd, int64_t dilation = 1);

/// A shape as a diagnostic shows it: [3, 28, 28].
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// A number as a diagnostic shows it: 0, -0.5, 1e-05, nan, inf.
std::string formatNumber(double value);

} // namespace snnc::snn

#endif // SNNC_DIALECT_SNN_IR_SNNATTRUTILS_H
