//===- ONNXImporter.h - snnc ONNX profile v1 to the snn dialect -*- C++ -*-===//
//
// Reads a model in the snnc ONNX profile (docs/onnx-profile.md), binary
// `.onnx` or ONNX text syntax `.onnxtext`, validates it, and builds one
// `snn.network`. Every problem is reported as an MLIR error diagnostic that
// names the file, or the node (name, op_type, domain) and the rule broken;
// the importer never aborts on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_IMPORT_ONNXIMPORTER_H
#define SNNC_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace snnc {

/// Facts about the imported file that outlive the IR (for model.bin and
/// reports).
struct ImportedModelInfo {
  std::string fileName;  // base name of the input file
  std::string sha256;    // hex digest of the file's bytes
  std::string modelName; // snnc.model_name, else the graph's name
};

/// Imports `path`. Returns null after emitting diagnostics on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               ImportedModelInfo *info = nullptr);

/// Imports a model from bytes; `isText` selects the ONNX text syntax.
/// `bufferName` is used in diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXBuffer(llvm::StringRef bytes, bool isText, llvm::StringRef bufferName,
                 mlir::MLIRContext *context, ImportedModelInfo *info = nullptr);

/// Lower-case hex SHA-256 of `bytes` (the source fingerprint in model.bin).
std::string sha256Hex(llvm::StringRef bytes);

} // namespace snnc

#endif // SNNC_IMPORT_ONNXIMPORTER_H
