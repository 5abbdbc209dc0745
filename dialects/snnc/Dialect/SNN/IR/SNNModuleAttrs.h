//===- SNNModuleAttrs.h - provenance attributes of an snn module -*- C++
//-*-===//
//
// Where the IR came from, recorded on the builtin module by the ONNX importer
// (or by the driver for a hand-written .mlir that lacks them) and read by the
// model.bin emitter, so that emission depends on the IR only:
// `snn.source_name` (the source file's base name) and `snn.source_sha256`
// (hex SHA-256 of its bytes). They survive --emit=mlir and snnc-opt.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_DIALECT_SNN_IR_SNNMODULEATTRS_H
#define SNNC_DIALECT_SNN_IR_SNNMODULEATTRS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

namespace snnc::snn {

inline constexpr llvm::StringLiteral kSourceNameAttr = "snn.source_name";
inline constexpr llvm::StringLiteral kSourceSha256Attr = "snn.source_sha256";

inline void setSourceAttrs(mlir::ModuleOp module, llvm::StringRef name,
                           llvm::StringRef sha256) {
  mlir::MLIRContext *context = module.getContext();
  module->setAttr(kSourceNameAttr, mlir::StringAttr::get(context, name));
  module->setAttr(kSourceSha256Attr, mlir::StringAttr::get(context, sha256));
}

/// The recorded attribute, "" when absent.
inline llvm::StringRef getSourceAttr(mlir::ModuleOp module,
                                     llvm::StringRef name) {
  auto attr = module->getAttrOfType<mlir::StringAttr>(name);
  return attr ? attr.getValue() : llvm::StringRef();
}

} // namespace snnc::snn

#endif // SNNC_DIALECT_SNN_IR_SNNMODULEATTRS_H
