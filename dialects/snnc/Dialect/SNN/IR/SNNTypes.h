//===- SNNTypes.h - snn dialect types and attributes ------------*- C++ -*-===//
//
// `!snn.spike` (binary or signed spikes) and the `#snn.reset` enum attribute.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNTYPES_H
#define SNNC_DIALECT_SNN_IR_SNNTYPES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Types.h"

#include "snnc/Dialect/SNN/IR/SNNEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "snnc/Dialect/SNN/IR/SNNTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "snnc/Dialect/SNN/IR/SNNAttrs.h.inc"

namespace snnc::snn {
/// True for tensors of `!snn.spike` (either signedness).
inline bool isSpikeTensor(mlir::Type type) {
  auto tensor = mlir::dyn_cast<mlir::RankedTensorType>(type);
  return tensor && mlir::isa<SpikeType>(tensor.getElementType());
}
} // namespace snnc::snn

#endif // SNNC_DIALECT_SNN_IR_SNNTYPES_H
