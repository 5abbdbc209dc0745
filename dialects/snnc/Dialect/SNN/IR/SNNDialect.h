//===- SNNDialect.h - snn dialect declaration -------------------*- C++ -*-===//
//
// Declares the `snn` dialect class. Include SNNOps.h for the operations and
// SNNTypes.h for `!snn.spike`.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNDIALECT_H
#define SNNC_DIALECT_SNN_IR_SNNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "snnc/Dialect/SNN/IR/SNNDialect.h.inc"

#endif // SNNC_DIALECT_SNN_IR_SNNDIALECT_H
