//===- SNNOps.h - snn dialect operations ------------------------*- C++ -*-===//
//
// The ODS-generated operation classes of the `snn` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNOPS_H
#define SNNC_DIALECT_SNN_IR_SNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Dialect/SNN/IR/SNNTypes.h"

#define GET_OP_CLASSES
#include "snnc/Dialect/SNN/IR/SNNOps.h.inc"

#include <string>

namespace snnc::snn {
/// The layer's name: the innermost NameLoc of its location (the importer sets
/// the ONNX node name), else "<mnemonic>_<index among the network's ops of
/// that kind>", so hand-written IR gets stable names too.
std::string getLayerName(mlir::Operation *op);
} // namespace snnc::snn

#endif // SNNC_DIALECT_SNN_IR_SNNOPS_H
