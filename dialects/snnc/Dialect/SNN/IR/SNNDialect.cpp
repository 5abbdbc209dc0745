//===- SNNDialect.cpp - snn dialect registration --------------------------===//
//
// Registers the `snn` operations, the `!snn.spike` type and the reset-mode
// attribute, and implements the spike type's syntax.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/Dialect/SNN/IR/SNNTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace snnc::snn;

#include "snnc/Dialect/SNN/IR/SNNDialect.cpp.inc"
#include "snnc/Dialect/SNN/IR/SNNEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "snnc/Dialect/SNN/IR/SNNTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "snnc/Dialect/SNN/IR/SNNAttrs.cpp.inc"

void SNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "snnc/Dialect/SNN/IR/SNNOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}

void SNNDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "snnc/Dialect/SNN/IR/SNNTypes.cpp.inc"
      >();
}

void SNNDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "snnc/Dialect/SNN/IR/SNNAttrs.cpp.inc"
      >();
}

// `!snn.spike` or `!snn.spike<signed>`.
Type SpikeType::parse(AsmParser &parser) {
  bool isSigned = false;
  if (succeeded(parser.parseOptionalLess())) {
    if (parser.parseKeyword("signed") || parser.parseGreater())
      return {};
    isSigned = true;
  }
  return SpikeType::get(parser.getContext(), isSigned);
}

void SpikeType::print(AsmPrinter &printer) const {
  if (getIsSigned())
    printer << "<signed>";
}
